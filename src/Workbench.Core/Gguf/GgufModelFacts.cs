namespace Workbench.Core.Gguf;

/// <summary>
/// What a GGUF header says about the model, with llama.cpp's defaults applied. A value is null when the file
/// does not state it (or states it with a type or value that cannot be a count).
/// </summary>
public sealed record GgufModelFacts
{
    /// <summary><c>general.architecture</c>, e.g. "llama".</summary>
    public string? Architecture { get; init; }

    /// <summary><c>general.name</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Sum of the element counts of all tensors in this file.</summary>
    public long ParameterCount { get; init; }

    /// <summary>Sum of the exact byte sizes of all tensors in this file.</summary>
    public long TensorDataBytes { get; init; }

    /// <summary>Number of transformer layers (<c>{arch}.block_count</c>).</summary>
    public long? LayerCount { get; init; }

    /// <summary><c>{arch}.embedding_length</c> (n_embd).</summary>
    public long? EmbeddingLength { get; init; }

    /// <summary><c>{arch}.feed_forward_length</c>; the largest value when it is given per layer.</summary>
    public long? FeedForwardLength { get; init; }

    /// <summary>Per-layer feed-forward lengths when the file gives an array; otherwise null.</summary>
    public IReadOnlyList<long>? FeedForwardLengthPerLayer { get; init; }

    /// <summary><c>{arch}.attention.head_count</c>; the largest value when it is given per layer.</summary>
    public long? HeadCount { get; init; }

    /// <summary>Per-layer head counts when the file gives an array; otherwise null.</summary>
    public IReadOnlyList<long>? HeadCountPerLayer { get; init; }

    /// <summary><c>{arch}.attention.head_count_kv</c> (defaults to the head count); the largest value when given per layer.</summary>
    public long? HeadCountKv { get; init; }

    /// <summary>Per-layer KV head counts when the file gives an array; otherwise null.</summary>
    public IReadOnlyList<long>? HeadCountKvPerLayer { get; init; }

    /// <summary>Size of one key head (<c>{arch}.attention.key_length</c>, default n_embd / n_head).</summary>
    public long? KeyLength { get; init; }

    /// <summary>Size of one value head (<c>{arch}.attention.value_length</c>, default n_embd / n_head).</summary>
    public long? ValueLength { get; init; }

    /// <summary>Training context length (<c>{arch}.context_length</c>).</summary>
    public long? ContextLength { get; init; }

    /// <summary><c>{arch}.expert_count</c> for mixture-of-experts models.</summary>
    public long? ExpertCount { get; init; }

    /// <summary><c>{arch}.expert_used_count</c>: experts active per token.</summary>
    public long? ExpertUsedCount { get; init; }

    /// <summary><c>general.file_type</c> when it is a value llama.cpp defines.</summary>
    public LlamaFileType? FileType { get; init; }

    /// <summary>Readable file type ("Q4_K_M", "F16", "unknown (99)"); null when the file does not say.</summary>
    public string? FileTypeName { get; init; }

    /// <summary>Tensor bytes × 8 / parameters; null for a file without parameters.</summary>
    public double? BitsPerWeight { get; init; }

    /// <summary><c>tokenizer.chat_template</c> (a Jinja template).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary><c>split.count</c>: number of files the model is split into.</summary>
    public long? SplitCount { get; init; }

    /// <summary><c>split.no</c>: zero-based index of this file among the splits.</summary>
    public long? SplitIndex { get; init; }

    /// <summary><c>split.tensors.count</c>: tensors in all splits together.</summary>
    public long? SplitTensorCount { get; init; }

    /// <summary><c>{arch}.vocab_size</c>, else the length of <c>tokenizer.ggml.tokens</c>.</summary>
    public long? VocabularySize { get; init; }

    /// <summary>True when the model is one file of a split model.</summary>
    public bool IsSplit => SplitCount > 1;

    internal static GgufModelFacts From(GgufFile file)
    {
        long parameters = 0;
        long bytes = 0;
        foreach (var tensor in file.Tensors)
        {
            parameters = checked(parameters + tensor.ElementCount);
            bytes = checked(bytes + tensor.ByteSize);
        }

        file.TryGetString(GgufKeys.Architecture, out var arch);
        file.TryGetString(GgufKeys.Name, out var name);
        file.TryGetString(GgufKeys.ChatTemplate, out var chatTemplate);

        long? ArchCount(string suffix) => arch is not null ? Count(file, GgufKeys.ForArchitecture(arch, suffix)) : null;
        (long? Max, IReadOnlyList<long>? PerLayer, long? First) ArchPerLayer(string suffix) =>
            arch is not null ? PerLayerCount(file, GgufKeys.ForArchitecture(arch, suffix)) : (null, null, null);

        var embedding = ArchCount(GgufKeys.EmbeddingLengthSuffix);
        var feedForward = ArchPerLayer(GgufKeys.FeedForwardLengthSuffix);
        var heads = ArchPerLayer(GgufKeys.HeadCountSuffix);
        var kvHeads = ArchPerLayer(GgufKeys.HeadCountKvSuffix);
        if (kvHeads.Max is null)
        {
            kvHeads = (heads.Max, null, heads.First);
        }

        // llama.cpp: n_embd_head_k = n_embd / n_head (first layer's head count).
        long? defaultHeadLength = embedding is not null && heads.First is > 0 ? embedding / heads.First : null;

        LlamaFileType? fileType = null;
        string? fileTypeName = null;
        if (file.TryGetValue(GgufKeys.FileType, out var fileTypeValue))
        {
            if (fileTypeValue.TryGetInt64(out var raw))
            {
                fileTypeName = LlamaFileTypeNames.GetName(raw);
                fileType = LlamaFileTypeNames.IsDefined(raw) ? (LlamaFileType)raw : null;
            }
            else
            {
                fileTypeName = $"unknown ({fileTypeValue})";
            }
        }

        var vocabulary = ArchCount(GgufKeys.VocabularySizeSuffix);
        if (vocabulary is null && file.TryGetValue(GgufKeys.Tokens, out var tokens) && tokens.IsArray)
        {
            vocabulary = tokens.ArrayLength;
        }

        return new GgufModelFacts
        {
            Architecture = arch,
            Name = name,
            ParameterCount = parameters,
            TensorDataBytes = bytes,
            LayerCount = ArchCount(GgufKeys.BlockCountSuffix),
            EmbeddingLength = embedding,
            FeedForwardLength = feedForward.Max,
            FeedForwardLengthPerLayer = feedForward.PerLayer,
            HeadCount = heads.Max,
            HeadCountPerLayer = heads.PerLayer,
            HeadCountKv = kvHeads.Max,
            HeadCountKvPerLayer = kvHeads.PerLayer,
            KeyLength = ArchCount(GgufKeys.KeyLengthSuffix) ?? defaultHeadLength,
            ValueLength = ArchCount(GgufKeys.ValueLengthSuffix) ?? defaultHeadLength,
            ContextLength = ArchCount(GgufKeys.ContextLengthSuffix),
            ExpertCount = ArchCount(GgufKeys.ExpertCountSuffix),
            ExpertUsedCount = ArchCount(GgufKeys.ExpertUsedCountSuffix),
            FileType = fileType,
            FileTypeName = fileTypeName,
            BitsPerWeight = parameters > 0 ? bytes * 8.0 / parameters : null,
            ChatTemplate = chatTemplate,
            SplitCount = Count(file, GgufKeys.SplitCount),
            SplitIndex = Count(file, GgufKeys.SplitIndex),
            SplitTensorCount = Count(file, GgufKeys.SplitTensorCount),
            VocabularySize = vocabulary,
        };
    }

    /// <summary>A non-negative integer value of any integer type, else null.</summary>
    private static long? Count(GgufFile file, string key) =>
        file.TryGetValue(key, out var value) && value.TryGetInt64(out var n) && n >= 0 ? n : null;

    /// <summary>A count given either once or per layer (an integer array): the largest value, the array, and the first value.</summary>
    private static (long? Max, IReadOnlyList<long>? PerLayer, long? First) PerLayerCount(GgufFile file, string key)
    {
        if (!file.TryGetValue(key, out var value))
        {
            return (null, null, null);
        }

        if (!value.IsArray)
        {
            var single = Count(file, key);
            return (single, null, single);
        }

        if (value.TryGetInt64Array(out var perLayer) && perLayer.Count > 0 && perLayer.All(n => n >= 0))
        {
            return (perLayer.Max(), perLayer, perLayer[0]);
        }

        return (null, null, null);
    }
}
