namespace Workbench.Core.Hardware;

/// <summary>Reads the machine's NVIDIA GPUs through one provider (NVML, nvidia-smi, or none).</summary>
public interface IGpuProbe
{
    /// <summary>The provider's name, e.g. "NVML".</summary>
    string ProviderName { get; }

    /// <summary>Why this probe lists no GPUs; null when it can read them.</summary>
    string? UnavailableReason { get; }

    /// <summary>Current readings of every GPU; empty when unavailable. Never throws for driver errors.</summary>
    IReadOnlyList<GpuInfo> ReadGpus();
}
