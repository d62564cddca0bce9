using Workbench.Core.Formats;
using Workbench.Core.Gguf;

namespace Workbench.Core.Library;

/// <summary>
/// The shape of a model's network, from a GGUF header or a Hugging Face config.json. A value is null when the source
/// does not state it.
/// </summary>
public sealed record ModelArchitecture
{
    /// <summary>Nothing known.</summary>
    public static ModelArchitecture Unknown { get; } = new();

    /// <summary>Architecture family: GGUF <c>general.architecture</c> or HF <c>model_type</c> ("llama", "qwen2" …).</summary>
    public string? Name { get; init; }

    /// <summary>HF <c>architectures[0]</c> ("LlamaForCausalLM"); null for GGUF.</summary>
    public string? ClassName { get; init; }

    public long? LayerCount { get; init; }

    /// <summary>Width of the residual stream (n_embd, hidden_size).</summary>
    public long? HiddenSize { get; init; }

    /// <summary>Attention heads (the largest, when they vary by layer).</summary>
    public long? HeadCount { get; init; }

    /// <summary>Key/value heads (grouped-query attention).</summary>
    public long? KeyValueHeadCount { get; init; }

    /// <summary>Size of one key head.</summary>
    public long? HeadDim { get; init; }

    /// <summary>Size of one value head (differs from <see cref="HeadDim"/> only in a few architectures).</summary>
    public long? ValueHeadDim { get; init; }

    /// <summary>Feed-forward width (the largest, when it varies by layer).</summary>
    public long? IntermediateSize { get; init; }

    /// <summary>Context length the model was trained for.</summary>
    public long? MaxContextLength { get; init; }

    public long? VocabularySize { get; init; }

    /// <summary>Experts of a mixture-of-experts model.</summary>
    public long? ExpertCount { get; init; }

    /// <summary>Experts active per token.</summary>
    public long? ExpertsUsedCount { get; init; }

    /// <summary>Sliding attention window, for models that use one.</summary>
    public long? SlidingWindow { get; init; }

    /// <summary>The architecture as a GGUF header states it.</summary>
    public static ModelArchitecture FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var facts = file.Facts;
        long? slidingWindow = null;
        if (facts.Architecture is { } arch
            && file.TryGetInt64(GgufKeys.ForArchitecture(arch, "attention.sliding_window"), out var window)
            && window > 0)
        {
            slidingWindow = window;
        }

        return new ModelArchitecture
        {
            Name = facts.Architecture,
            LayerCount = facts.LayerCount,
            HiddenSize = facts.EmbeddingLength,
            HeadCount = facts.HeadCount,
            KeyValueHeadCount = facts.HeadCountKv,
            HeadDim = facts.KeyLength,
            ValueHeadDim = facts.ValueLength,
            IntermediateSize = facts.FeedForwardLength,
            MaxContextLength = facts.ContextLength,
            VocabularySize = facts.VocabularySize,
            ExpertCount = facts.ExpertCount,
            ExpertsUsedCount = facts.ExpertUsedCount,
            SlidingWindow = slidingWindow,
        };
    }

    /// <summary>The architecture as a Hugging Face config.json states it.</summary>
    public static ModelArchitecture FromHuggingFace(HuggingFaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ModelArchitecture
        {
            Name = config.ModelType ?? config.TextModelType,
            ClassName = config.ArchitectureName,
            LayerCount = config.LayerCount,
            HiddenSize = config.HiddenSize,
            HeadCount = config.HeadCount,
            KeyValueHeadCount = config.KeyValueHeadCount,
            HeadDim = config.HeadDim,
            ValueHeadDim = config.ValueHeadDim,
            IntermediateSize = config.IntermediateSize,
            MaxContextLength = config.MaxPositionEmbeddings,
            VocabularySize = config.VocabSize,
            ExpertCount = config.ExpertCount,
            ExpertsUsedCount = config.ExpertsPerToken,
            SlidingWindow = config.SlidingWindow,
        };
    }
}
