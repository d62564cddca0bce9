using Workbench.Core.Estimation;

namespace Workbench.Core.Protocol;

/// <summary>
/// Load settings a person chose by hand instead of the dashboard's plan. Each one left null follows the plan: GPU
/// layers as many as fit, an f16 KV cache and flash attention on (llama.cpp's defaults). One cache type is used for
/// both K and V, as llama-server users mostly set them.
/// </summary>
/// <param name="GpuLayers">Layers on the GPUs as llama.cpp counts them (-ngl); null: as many as the estimator says fit.</param>
/// <param name="KvCache">Element type of the K and V cache; null: f16.</param>
/// <param name="FlashAttention">Flash attention on or off; null: on.</param>
public sealed record LoadOverrides(int? GpuLayers = null, KvCacheType? KvCache = null, bool? FlashAttention = null)
{
    /// <summary>Everything as planned.</summary>
    public static LoadOverrides None { get; } = new();

    /// <summary>Whether nothing is chosen by hand.</summary>
    public bool IsNone => GpuLayers is null && KvCache is null && FlashAttention is null;

    /// <summary>The cache type a load uses.</summary>
    public KvCacheType CacheType => KvCache ?? RunSettings.Default.KeyCacheType;

    /// <summary>Whether a load uses flash attention.</summary>
    public bool UsesFlashAttention => FlashAttention ?? RunSettings.Default.FlashAttention;

    /// <summary>Why llama.cpp would refuse these choices; null when it would take them.</summary>
    public string? Problem =>
        GpuLayers is < 0 ? "GPU layers must be 0 or more."
        : CacheType.IsQuantized() && !UsesFlashAttention
            ? $"A {CacheType.DisplayName()} KV cache needs flash attention: llama.cpp refuses a quantized V cache without it."
            : null;

    /// <summary><paramref name="settings"/> with the cache type and flash attention chosen here (GPU layers only when chosen).</summary>
    public RunSettings Apply(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings with
        {
            KeyCacheType = CacheType,
            ValueCacheType = CacheType,
            FlashAttention = UsesFlashAttention,
            GpuLayers = GpuLayers ?? settings.GpuLayers,
        };
    }

    /// <summary>
    /// Whether <paramref name="loaded"/> differs from a choice made here, so answering with these choices means
    /// loading again. Unchosen settings never do; GPU layers count only where layers went to a GPU at all.
    /// </summary>
    public bool Differs(ModelLoadResult loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return (KvCache is { } cache && loaded.KvCache != cache)
            || (FlashAttention is { } flash && loaded.FlashAttention != flash)
            || (GpuLayers is { } layers && loaded.GpuLayers != layers && loaded.Buffers is { GpuBytes: > 0 });
    }
}
