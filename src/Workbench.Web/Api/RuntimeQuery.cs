using System.Globalization;
using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Core.Hardware;

namespace Workbench.Web.Api;

/// <summary>
/// The estimate API's runtime parameters (<c>runtime</c>, <c>exl2Cache</c>, <c>gpuMemoryUtilization</c>, <c>gpu</c>),
/// read and checked; <see cref="Problem"/> says what is wrong with them in words a caller can act on.
/// </summary>
/// <param name="Runtime">The runtime asked for; null picks the format's usual one.</param>
/// <param name="Settings">Cache mode and utilization.</param>
/// <param name="CatalogGpus">GPUs from the catalog (empty when none were named).</param>
/// <param name="Problem">Why the parameters are refused; null when they are fine.</param>
public sealed record RuntimeQuery(InferenceRuntime? Runtime, RuntimeSettings Settings, IReadOnlyList<GpuCatalogEntry> CatalogGpus, string? Problem)
{
    /// <summary>At most this many GPUs in one what-if.</summary>
    public const int MaxGpus = 16;

    /// <summary>Reads the parameters.</summary>
    public static RuntimeQuery Parse(string? runtime, string? exl2Cache, double? gpuMemoryUtilization, IReadOnlyList<string>? gpu, long? vramBytes)
    {
        RuntimeQuery Refuse(string problem) => new(null, RuntimeSettings.Default, [], problem);

        InferenceRuntime? chosen = null;
        if (runtime is not null)
        {
            if (!InferenceRuntimes.TryParse(runtime, out var parsed))
            {
                return Refuse($"runtime '{runtime}' is not a runtime; use one of {string.Join(", ", InferenceRuntimes.All.Select(r => r.ApiName()))}.");
            }

            chosen = parsed;
        }

        var cache = Exl2CacheMode.Fp16;
        if (exl2Cache is not null && !Exl2CacheModes.TryParse(exl2Cache, out cache))
        {
            return Refuse($"exl2Cache '{exl2Cache}' is not a cache mode; use one of {string.Join(", ", Exl2CacheModes.All.Select(m => m.ApiName()))}.");
        }

        if (gpuMemoryUtilization is { } share && !(share is > 0 and <= 1))
        {
            return Refuse(string.Create(CultureInfo.InvariantCulture, $"gpuMemoryUtilization must lie above 0 and at most 1 (vLLM's share of each GPU); got {share}."));
        }

        var gpus = new List<GpuCatalogEntry>();
        foreach (var id in gpu ?? [])
        {
            if (GpuCatalog.Find(id) is not { } entry)
            {
                return Refuse($"gpu '{id}' is not in the GPU catalog; GET /workbench/v1/gpus lists the ids.");
            }

            gpus.Add(entry);
        }

        if (gpus.Count > MaxGpus)
        {
            return Refuse($"gpu may be given at most {MaxGpus} times.");
        }

        if (gpus.Count > 0 && vramBytes is not null)
        {
            return Refuse("gpu and vramBytes both say which GPU to judge; give one of them.");
        }

        var settings = RuntimeSettings.Default with
        {
            Exl2Cache = cache,
            GpuMemoryUtilization = gpuMemoryUtilization ?? RuntimeSettings.Default.GpuMemoryUtilization,
        };
        return new RuntimeQuery(chosen, settings, gpus, null);
    }
}
