using Workbench.Core.Formats;
using Workbench.Core.Library;

namespace Workbench.Core.Estimation;

/// <summary>
/// A <see cref="TransformerShape"/> from what a Hugging Face <c>config.json</c> or a library model states: the shape a
/// model has whatever file it comes in, so every quantization can be built from it.
/// </summary>
public static class ConfigShape
{
    /// <summary>The shape of a pasted or catalogued <c>config.json</c>.</summary>
    /// <exception cref="ModelFormatException">The text is not a JSON object.</exception>
    /// <exception cref="EstimationModelException">It lacks the layers, hidden size, heads or vocabulary.</exception>
    public static TransformerShape FromConfigJson(string json, string? name = null)
    {
        var config = HuggingFaceConfig.Parse(json);
        var shape = FromArchitecture(ModelArchitecture.FromHuggingFace(config), name ?? config.ArchitectureName)
            ?? throw new EstimationModelException("This config.json does not state num_hidden_layers, hidden_size, num_attention_heads and vocab_size, so no shape can be built from it.");
        return shape with
        {
            TiedEmbeddings = config.TieWordEmbeddings ?? false,
            ExpertFeedForwardLength = shape.ExpertCount > 0 ? (int)(config.ExpertIntermediateSize ?? config.IntermediateSize ?? 0) : 0,
        };
    }

    /// <summary>
    /// The shape of an architecture; null when it lacks the layer, hidden-size, head or vocabulary counts. Gemma 2
    /// alternates sliding-window and full layers, Gemma 3 has one full layer in six (their modeling files' layer types);
    /// other windows are not counted as saving memory.
    /// </summary>
    public static TransformerShape? FromArchitecture(ModelArchitecture architecture, string? name)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var a = architecture;
        if (a.LayerCount is not { } layers || a.HiddenSize is not { } hidden || a.HeadCount is not { } heads || a.VocabularySize is not { } vocab)
        {
            return null;
        }

        var pattern = a.Name switch
        {
            "gemma2" => 2,
            "gemma3" or "gemma3_text" => 6,
            _ => 0,
        };
        var experts = (int)(a.ExpertCount ?? 0);
        return new TransformerShape
        {
            Architecture = a.Name ?? "llama",
            Name = name,
            LayerCount = checked((int)layers),
            EmbeddingLength = checked((int)hidden),
            HeadCount = checked((int)heads),
            HeadCountKv = (int?)a.KeyValueHeadCount,
            HeadLength = (int?)a.HeadDim,
            FeedForwardLength = checked((int)(a.IntermediateSize ?? 4 * hidden)),
            VocabularySize = checked((int)vocab),
            ContextLength = (int)Math.Min(a.MaxContextLength ?? 4096, int.MaxValue),
            ExpertCount = experts,
            ExpertUsedCount = (int)(a.ExpertsUsedCount ?? 0),
            ExpertFeedForwardLength = experts > 0 ? checked((int)(a.IntermediateSize ?? 0)) : 0,
            SlidingWindow = pattern > 0 ? (int)(a.SlidingWindow ?? 0) : 0,
            SlidingWindowPattern = pattern,
        };
    }
}
