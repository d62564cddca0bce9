using Workbench.Core.Gguf;

namespace Workbench.Core.DemoModel;

/// <summary>
/// Shape of a generated demo model (llama architecture, random weights). The defaults give a ≈ 0.25 MB model that
/// llama.cpp loads and runs in milliseconds; <see cref="Large"/> gives a ≈ 100 MB one.
/// </summary>
public sealed record DemoModelOptions
{
    /// <summary>The defaults: n_embd 64, 2 layers, 4 heads, 2 KV heads, n_ff 128, context 512, F16 weights.</summary>
    public static DemoModelOptions Tiny { get; } = new();

    /// <summary>
    /// ≈ 100 MB (F16): n_embd 512, 8 layers, 8 heads, 4 KV heads, n_ff 1024, context 2048, 32,000-token vocabulary —
    /// big enough that llama.cpp's buffer sizes (reported to 0.01 MiB) are meaningful.
    /// </summary>
    public static DemoModelOptions Large { get; } = new()
    {
        EmbeddingLength = 512,
        LayerCount = 8,
        HeadCount = 8,
        HeadCountKv = 4,
        FeedForwardLength = 1024,
        ContextLength = 2048,
        ExtraVocabularyPieces = 32_000 - DemoVocabulary.BaseCount,
    };

    /// <summary>The only architecture the generator writes.</summary>
    public const string Architecture = "llama";

    /// <summary><c>general.name</c>.</summary>
    public string Name { get; init; } = "Workbench demo (random weights)";

    /// <summary>n_embd: width of the residual stream; a multiple of <see cref="HeadCount"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int LayerCount { get; init; } = 2;

    /// <summary>Attention heads; n_embd / heads must be even (RoPE rotates pairs).</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention); must divide <see cref="HeadCount"/>.</summary>
    public int HeadCountKv { get; init; } = 2;

    /// <summary>n_ff: hidden width of the feed-forward network.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Training context length written to the metadata.</summary>
    public int ContextLength { get; init; } = 512;

    /// <summary>Synthetic word pieces added after the built-in ones, to scale the vocabulary up.</summary>
    public int ExtraVocabularyPieces { get; init; }

    /// <summary>Type of the weight matrices: F32 or F16. Norm weights are always F32.</summary>
    public GgmlType WeightType { get; init; } = GgmlType.F16;

    /// <summary>Seed of the weights; the same options always give the same bytes.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Standard deviation of the (approximately normal) random weights.</summary>
    public float WeightStandardDeviation { get; init; } = 0.02f;

    /// <summary><c>llama.attention.layer_norm_rms_epsilon</c>.</summary>
    public float RmsNormEpsilon { get; init; } = 1e-5f;

    /// <summary>
    /// Shape the random weights so the end-of-sequence token is never sampled: answers then always run to the
    /// token limit, which makes streaming visible in the demo and token counts certain in tests.
    /// </summary>
    public bool SuppressEndOfSequence { get; init; } = true;

    /// <summary>
    /// Never sample byte tokens that are not printable ASCII (nor &lt;unk&gt;/&lt;s&gt;), so the demo's gibberish is
    /// made of words and letters rather than broken UTF-8. Uses the same mechanism as <see cref="SuppressEndOfSequence"/>.
    /// </summary>
    public bool SuppressNonPrintableBytes { get; init; } = true;

    /// <summary>Size of one attention head (n_embd / heads).</summary>
    public int HeadDimension => HeadCount > 0 ? EmbeddingLength / HeadCount : 0;

    /// <summary>Tokens in the vocabulary: control and byte tokens, built-in pieces and the extra pieces.</summary>
    public int VocabularySize => DemoVocabulary.BaseCount + ExtraVocabularyPieces;

    /// <summary>Values per Q8_0 block.</summary>
    public const int Q8Block = 32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that cannot make a working model.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{name} must be positive, not {value}.", name);
            }
        }

        Positive(EmbeddingLength, nameof(EmbeddingLength));
        Positive(LayerCount, nameof(LayerCount));
        Positive(HeadCount, nameof(HeadCount));
        Positive(HeadCountKv, nameof(HeadCountKv));
        Positive(FeedForwardLength, nameof(FeedForwardLength));
        Positive(ContextLength, nameof(ContextLength));
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("A name is required.", nameof(Name));
        }

        if (EmbeddingLength % HeadCount != 0 || HeadDimension % 2 != 0)
        {
            throw new ArgumentException(
                $"{nameof(EmbeddingLength)} ({EmbeddingLength}) must split into {HeadCount} heads of an even size.", nameof(EmbeddingLength));
        }

        if (HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException(
                $"{nameof(HeadCountKv)} ({HeadCountKv}) must divide {nameof(HeadCount)} ({HeadCount}).", nameof(HeadCountKv));
        }

        if (ExtraVocabularyPieces < 0 || ExtraVocabularyPieces > DemoVocabulary.MaxExtraPieces)
        {
            throw new ArgumentException(
                $"{nameof(ExtraVocabularyPieces)} must be between 0 and {DemoVocabulary.MaxExtraPieces}.", nameof(ExtraVocabularyPieces));
        }

        if (WeightType is not (GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0))
        {
            throw new ArgumentException($"{nameof(WeightType)} must be F32, F16 or Q8_0, not {WeightType}.", nameof(WeightType));
        }

        // Q8_0 packs rows in blocks of 32 values; every weight row is n_embd or n_ff long.
        if (WeightType == GgmlType.Q8_0 && (EmbeddingLength % Q8Block != 0 || FeedForwardLength % Q8Block != 0))
        {
            throw new ArgumentException(
                $"Q8_0 weights need {nameof(EmbeddingLength)} and {nameof(FeedForwardLength)} to be multiples of {Q8Block}.", nameof(WeightType));
        }

        if (!(WeightStandardDeviation >= 0 && float.IsFinite(WeightStandardDeviation)))
        {
            throw new ArgumentException($"{nameof(WeightStandardDeviation)} must be a finite, non-negative number.", nameof(WeightStandardDeviation));
        }

        if (!(RmsNormEpsilon > 0 && float.IsFinite(RmsNormEpsilon)))
        {
            throw new ArgumentException($"{nameof(RmsNormEpsilon)} must be a small positive number.", nameof(RmsNormEpsilon));
        }
    }
}
