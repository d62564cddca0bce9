namespace Workbench.Worker.Probes;

/// <summary>How the worker finds and reads its GPUs (configuration section <c>Workbench:Worker:Gpu</c>).</summary>
public sealed class GpuProbeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Worker:Gpu";

    /// <summary>Path or name of the NVML library; null tries libnvidia-ml.so.1 (Linux) or nvml.dll (Windows).</summary>
    public string? NvmlLibraryPath { get; set; }

    /// <summary>Path or name of nvidia-smi, the fallback when NVML cannot be loaded.</summary>
    public string NvidiaSmiPath { get; set; } = "nvidia-smi";

    /// <summary>How long one nvidia-smi run may take (it can take seconds when persistence mode is off).</summary>
    public TimeSpan NvidiaSmiTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long slow-changing readings (temperature, power limit, PCIe link) are reused.</summary>
    public TimeSpan SlowFieldInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the per-process memory list is reused; listing processes holds a driver lock for milliseconds.</summary>
    public TimeSpan ProcessListInterval { get; set; } = TimeSpan.FromSeconds(5);
}
