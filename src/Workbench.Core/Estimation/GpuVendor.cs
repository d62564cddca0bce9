namespace Workbench.Core.Estimation;

/// <summary>GPU makers, as far as the runtimes care.</summary>
public enum GpuVendor
{
    /// <summary>Not known (detected GPUs are read through NVML, so NVIDIA in practice).</summary>
    Unknown,

    Nvidia,

    Amd,

    /// <summary>Apple silicon: unified memory, Metal only.</summary>
    Apple,

    Intel,
}
