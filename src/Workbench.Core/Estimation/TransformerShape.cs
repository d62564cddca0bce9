using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>
/// The shapes of a llama-style decoder (attention with grouped-query heads, gated feed-forward or routed experts),
/// for models known only by their architecture: a model card, a config.json, or a "what if" question. Produces
/// an <see cref="EstimationModel"/> with a synthetic tensor list named as in GGUF.
/// </summary>
public sealed record TransformerShape
{
    public string Architecture { get; init; } = "llama";

    public string? Name { get; init; }

    public required int LayerCount { get; init; }

    public required int EmbeddingLength { get; init; }

    public required int HeadCount { get; init; }

    /// <summary>KV heads; the head count when not set (multi-head attention).</summary>
    public int? HeadCountKv { get; init; }

    /// <summary>Size of one head; n_embd / n_head when not set.</summary>
    public int? HeadLength { get; init; }

    /// <summary>n_ff of the dense feed-forward network (ignored for layers of experts).</summary>
    public int FeedForwardLength { get; init; }

    public required int VocabularySize { get; init; }

    public int ContextLength { get; init; } = 4096;

    /// <summary>True when the output head shares the token embeddings (no output.weight).</summary>
    public bool TiedEmbeddings { get; init; }

    /// <summary>Experts per layer; 0 for a dense model.</summary>
    public int ExpertCount { get; init; }

    public int ExpertUsedCount { get; init; }

    /// <summary>n_ff of one expert.</summary>
    public int ExpertFeedForwardLength { get; init; }

    /// <summary>Sliding-window size; 0 for none.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>Every n-th layer uses full attention, the others the window (Gemma 3: 6); 0 for none.</summary>
    public int SlidingWindowPattern { get; init; }

    /// <summary>Type of the matrices (norms are always F32).</summary>
    public GgmlType WeightType { get; init; } = GgmlType.F16;

    private int KvHeads => HeadCountKv ?? HeadCount;

    private int HeadSize => HeadLength ?? EmbeddingLength / HeadCount;

    /// <summary>The model with tensors named as llama.cpp's converter writes them.</summary>
    public EstimationModel ToModel()
    {
        if (LayerCount <= 0 || EmbeddingLength <= 0 || HeadCount <= 0 || KvHeads <= 0 || VocabularySize <= 0)
        {
            throw new EstimationModelException("A transformer shape needs positive layer, embedding, head, KV head and vocabulary counts.");
        }

        var tensors = new List<WeightTensor>();
        void Add(string name, GgmlType type, params long[] dims)
        {
            var bytes = GgmlTypeInfo.Get(type).GetTensorByteSize(dims.Select(d => (ulong)d).ToArray());
            tensors.Add(new WeightTensor(name, dims, bytes, type));
        }

        long embd = EmbeddingLength, q = (long)HeadCount * HeadSize, kv = (long)KvHeads * HeadSize;
        Add("token_embd.weight", WeightType, embd, VocabularySize);
        Add("output_norm.weight", GgmlType.F32, embd);
        if (!TiedEmbeddings)
        {
            Add("output.weight", WeightType, embd, VocabularySize);
        }

        for (var layer = 0; layer < LayerCount; layer++)
        {
            var p = $"blk.{layer}.";
            Add(p + "attn_norm.weight", GgmlType.F32, embd);
            Add(p + "attn_q.weight", WeightType, embd, q);
            Add(p + "attn_k.weight", WeightType, embd, kv);
            Add(p + "attn_v.weight", WeightType, embd, kv);
            Add(p + "attn_output.weight", WeightType, q, embd);
            Add(p + "ffn_norm.weight", GgmlType.F32, embd);
            if (ExpertCount > 0)
            {
                Add(p + "ffn_gate_inp.weight", GgmlType.F32, embd, ExpertCount);
                Add(p + "ffn_gate_exps.weight", WeightType, embd, ExpertFeedForwardLength, ExpertCount);
                Add(p + "ffn_up_exps.weight", WeightType, embd, ExpertFeedForwardLength, ExpertCount);
                Add(p + "ffn_down_exps.weight", WeightType, ExpertFeedForwardLength, embd, ExpertCount);
            }
            else
            {
                Add(p + "ffn_gate.weight", WeightType, embd, FeedForwardLength);
                Add(p + "ffn_up.weight", WeightType, embd, FeedForwardLength);
                Add(p + "ffn_down.weight", WeightType, FeedForwardLength, embd);
            }
        }

        var template = new EstimationModel
        {
            Architecture = Architecture,
            Name = Name,
            LayerCount = LayerCount,
            EmbeddingLength = EmbeddingLength,
            HeadCountPerLayer = Enumerable.Repeat(HeadCount, LayerCount).ToArray(),
            HeadCountKvPerLayer = Enumerable.Repeat(KvHeads, LayerCount).ToArray(),
            KeyHeadLength = HeadSize,
            ValueHeadLength = HeadSize,
            FeedForwardLength = FeedForwardLength,
            ExpertFeedForwardLength = ExpertFeedForwardLength,
            VocabularySize = VocabularySize,
            TrainingContextLength = ContextLength,
            ExpertCount = ExpertCount,
            ExpertUsedCount = ExpertUsedCount,
            SlidingWindow = SlidingWindow,
            SlidingWindowLayers = SlidingWindow > 0 && SlidingWindowPattern > 0
                ? Enumerable.Range(0, LayerCount).Select(i => i % SlidingWindowPattern < SlidingWindowPattern - 1).ToArray()
                : null,
            LayerWeightBytes = [],
            WeightFormat = GgmlTypeInfo.Get(WeightType).Name,
        };
        return EstimationModel.WithTensors(template, tensors);
    }
}
