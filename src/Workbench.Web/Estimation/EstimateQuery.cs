using System.Globalization;
using Workbench.Core.Estimation;

namespace Workbench.Web.Estimation;

/// <summary>
/// The settings an estimate is asked for (query parameters of the estimate APIs), checked once, and the budget they
/// run on: an explicit VRAM size is a what-if question, otherwise the GPUs and free RAM the chat worker detected.
/// </summary>
/// <param name="Context">Each answer's window; null for the model's default.</param>
/// <param name="KvCache">Type of the K and V caches.</param>
/// <param name="FlashAttention">Flash attention on.</param>
/// <param name="GpuLayers">Fixed GPU layer count; null picks the most that fit.</param>
/// <param name="VramBytes">What-if VRAM (0: CPU alone); null uses the detected hardware.</param>
/// <param name="Sequences">Answers decoded together.</param>
public sealed record EstimateQuery(int? Context, KvCacheType KvCache, bool FlashAttention, int? GpuLayers, long? VramBytes, int Sequences)
{
    /// <summary>Checks the raw parameters; the problem names the one that is wrong.</summary>
    public static (EstimateQuery? Query, string? Problem) Parse(int? context, string? kvCache, bool? flashAttention, string? gpuLayers, long? vramBytes, int? sequences)
    {
        if (context is < 16 or > 10_000_000)
        {
            return (null, "context must be between 16 and 10,000,000 tokens.");
        }

        if (!KvCacheTypes.TryParse(kvCache ?? "f16", out var kv))
        {
            return (null, $"kvCache '{kvCache}' is not a cache type; use one of {KvCacheTypes.Names}.");
        }

        int? layers = null;
        if (gpuLayers is not (null or "auto"))
        {
            if (!int.TryParse(gpuLayers, CultureInfo.InvariantCulture, out var fixedLayers) || fixedLayers < 0)
            {
                return (null, $"gpuLayers must be 'auto' or a non-negative number; got '{gpuLayers}'.");
            }

            layers = fixedLayers;
        }

        if (sequences is < 1 or > Workers.RuntimeOptions.MaxSequences)
        {
            return (null, $"sequences must be between 1 and {Workers.RuntimeOptions.MaxSequences}; got {sequences}.");
        }

        if (kv.IsQuantized() && flashAttention is false)
        {
            return (null, $"llama.cpp refuses a quantized V cache ({kv.DisplayName()}) without flash attention: the context cannot be created. Turn flash attention on or use an f16 cache.");
        }

        if (vramBytes is < 0)
        {
            return (null, "vramBytes cannot be negative.");
        }

        return (new EstimateQuery(context, kv, flashAttention ?? true, layers, vramBytes, sequences ?? 1), null);
    }

    /// <summary>The estimator's settings; llama.cpp's n_ctx holds every sequence's window.</summary>
    public RunSettings Settings(MeasuredCorrection? correction = null) => RunSettings.Default with
    {
        ContextLength = Context is { } perSequence ? checked(perSequence * Sequences) : null,
        ParallelSequences = Sequences,
        KeyCacheType = KvCache,
        ValueCacheType = KvCache,
        FlashAttention = FlashAttention,
        GpuLayers = GpuLayers,
        Correction = correction,
    };

    /// <summary>The GPUs and RAM the estimate runs on, and the detected budget when that is what they came from.</summary>
    public (IReadOnlyList<GpuBudget> Gpus, long? AvailableRamBytes, DetectedBudget? Detected) Budget(LibraryFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var detected = VramBytes is null ? fit.Budget() : null;
        IReadOnlyList<GpuBudget> gpus = VramBytes is { } vram ? (vram > 0 ? [new GpuBudget("GPU", vram)] : []) : detected?.Gpus ?? [];
        return (gpus, detected?.AvailableRamBytes, detected);
    }
}
