using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>Picks the GPU probe once at start-up: NVML, else nvidia-smi, else none with the reason each failed.</summary>
public static class GpuProbeSelector
{
    /// <summary>The first provider that reads at least one GPU.</summary>
    public static IGpuProbe Select(GpuProbeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nvml = NvmlGpuProbe.TryCreate(options, time, out var nvmlReason);
        if (nvml is not null)
        {
            return nvml;
        }

        var smi = NvidiaSmiGpuProbe.TryCreate(options.NvidiaSmiPath, options.NvidiaSmiTimeout, out var smiReason);
        if (smi is not null)
        {
            return smi;
        }

        return new NoGpuProbe($"No NVIDIA GPU found ({nvmlReason} and {smiReason})");
    }
}
