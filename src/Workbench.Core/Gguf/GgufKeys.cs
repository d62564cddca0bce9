namespace Workbench.Core.Gguf;

/// <summary>Well-known metadata keys. Keys that depend on the architecture are built with <see cref="ForArchitecture"/>.</summary>
public static class GgufKeys
{
    public const string Architecture = "general.architecture";
    public const string Name = "general.name";
    public const string Alignment = "general.alignment";
    public const string FileType = "general.file_type";
    public const string TokenizerModel = "tokenizer.ggml.model";
    public const string Tokens = "tokenizer.ggml.tokens";
    public const string Scores = "tokenizer.ggml.scores";
    public const string TokenTypes = "tokenizer.ggml.token_type";
    public const string BosTokenId = "tokenizer.ggml.bos_token_id";
    public const string EosTokenId = "tokenizer.ggml.eos_token_id";
    public const string UnknownTokenId = "tokenizer.ggml.unknown_token_id";
    public const string ChatTemplate = "tokenizer.chat_template";
    public const string SplitCount = "split.count";
    public const string SplitIndex = "split.no";
    public const string SplitTensorCount = "split.tensors.count";

    // Suffixes appended to "{architecture}."
    public const string ContextLengthSuffix = "context_length";
    public const string EmbeddingLengthSuffix = "embedding_length";
    public const string BlockCountSuffix = "block_count";
    public const string FeedForwardLengthSuffix = "feed_forward_length";
    public const string HeadCountSuffix = "attention.head_count";
    public const string HeadCountKvSuffix = "attention.head_count_kv";
    public const string KeyLengthSuffix = "attention.key_length";
    public const string ValueLengthSuffix = "attention.value_length";
    public const string RmsNormEpsilonSuffix = "attention.layer_norm_rms_epsilon";
    public const string RopeDimensionCountSuffix = "rope.dimension_count";
    public const string ExpertCountSuffix = "expert_count";
    public const string ExpertUsedCountSuffix = "expert_used_count";
    public const string VocabularySizeSuffix = "vocab_size";

    /// <summary>"{architecture}.{suffix}", e.g. ForArchitecture("llama", BlockCountSuffix) = "llama.block_count".</summary>
    public static string ForArchitecture(string architecture, string suffix)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(suffix);
        return $"{architecture}.{suffix}";
    }
}
