using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>Registers the hardware probes.</summary>
public static class ProbeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the GPU probe (chosen once, on first use: NVML, then nvidia-smi, then none), the CPU, memory, memory bandwidth and disk
    /// probes and the snapshot reader. Each is added only when not already registered, so tests can substitute.
    /// </summary>
    public static IServiceCollection AddWorkbenchProbes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GpuProbeOptions>().Bind(configuration.GetSection(GpuProbeOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGpuProbe>(sp => GpuProbeSelector.Select(
            sp.GetRequiredService<IOptions<GpuProbeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICpuProbe, SystemCpuProbe>();
        services.TryAddSingleton<IMemoryProbe, SystemMemoryProbe>();
        services.TryAddSingleton<IDiskProbe, SystemDiskProbe>();
        services.TryAddSingleton<IMemoryBandwidthProbe, MemoryCopyBandwidthProbe>();
        services.TryAddSingleton<HardwareSnapshotReader>();
        return services;
    }
}
