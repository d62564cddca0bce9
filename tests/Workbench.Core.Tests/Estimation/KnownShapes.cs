using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

/// <summary>Architectures of well-known models, from their published configs.</summary>
internal static class KnownShapes
{
    /// <summary>Meta-Llama-3-8B: 32 layers, n_embd 4096, 32 heads, 8 KV heads of 128, n_ff 14336, 128,256 tokens, untied head.</summary>
    public static TransformerShape Llama3_8B { get; } = new()
    {
        Name = "Llama-3-8B",
        LayerCount = 32,
        EmbeddingLength = 4096,
        HeadCount = 32,
        HeadCountKv = 8,
        FeedForwardLength = 14336,
        VocabularySize = 128256,
        ContextLength = 8192,
    };

    /// <summary>Llama-2-7B: like Llama 3 8B but multi-head attention (32 KV heads), n_ff 11008, 32,000 tokens.</summary>
    public static TransformerShape Llama2_7B { get; } = new()
    {
        Name = "Llama-2-7B",
        LayerCount = 32,
        EmbeddingLength = 4096,
        HeadCount = 32,
        FeedForwardLength = 11008,
        VocabularySize = 32000,
        ContextLength = 4096,
    };

    /// <summary>Gemma-3-12B-like: 48 layers, 5 of every 6 with a 1024-token window.</summary>
    public static TransformerShape Gemma3_12B { get; } = new()
    {
        Architecture = "gemma3",
        Name = "Gemma-3-12B",
        LayerCount = 48,
        EmbeddingLength = 3840,
        HeadCount = 16,
        HeadCountKv = 8,
        HeadLength = 256,
        FeedForwardLength = 15360,
        VocabularySize = 262144,
        ContextLength = 131072,
        TiedEmbeddings = true,
        SlidingWindow = 1024,
        SlidingWindowPattern = 6,
    };

    /// <summary>Qwen3-30B-A3B-like mixture of experts: 48 layers, 128 experts of n_ff 768, 8 routed per token.</summary>
    public static TransformerShape Qwen3_30B_A3B { get; } = new()
    {
        Architecture = "qwen3moe",
        Name = "Qwen3-30B-A3B",
        LayerCount = 48,
        EmbeddingLength = 2048,
        HeadCount = 32,
        HeadCountKv = 4,
        HeadLength = 128,
        VocabularySize = 151936,
        ContextLength = 40960,
        ExpertCount = 128,
        ExpertUsedCount = 8,
        ExpertFeedForwardLength = 768,
    };

    public static EstimationModel Llama3_8BModel { get; } = Llama3_8B.ToModel();
}
