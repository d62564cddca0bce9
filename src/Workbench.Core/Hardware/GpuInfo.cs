namespace Workbench.Core.Hardware;

/// <summary>
/// One NVIDIA GPU as a probe read it. Every reading is null when the driver did not give it (function missing,
/// not supported on this card, or failed), so a partial answer is still an answer.
/// </summary>
public sealed record GpuInfo
{
    /// <summary>Index the driver gives the GPU (the order nvidia-smi lists them in).</summary>
    public required int Index { get; init; }

    /// <summary>Product name, e.g. "NVIDIA GeForce RTX 4090".</summary>
    public string? Name { get; init; }

    /// <summary>Globally unique id, e.g. "GPU-5a8b…"; stable across reboots, unlike <see cref="Index"/>.</summary>
    public string? Uuid { get; init; }

    /// <summary>Installed video memory in bytes.</summary>
    public long? MemoryTotalBytes { get; init; }

    /// <summary>Video memory allocated by all processes (and the driver's reservation), in bytes.</summary>
    public long? MemoryUsedBytes { get; init; }

    /// <summary>Video memory not allocated, in bytes.</summary>
    public long? MemoryFreeBytes { get; init; }

    /// <summary>Percent of the last sample period (1/6 s to 1 s, driver-defined) in which a kernel ran.</summary>
    public int? GpuUtilizationPercent { get; init; }

    /// <summary>Percent of the last sample period in which video memory was read or written.</summary>
    public int? MemoryUtilizationPercent { get; init; }

    /// <summary>Core temperature in °C.</summary>
    public int? TemperatureCelsius { get; init; }

    /// <summary>Power draw of the whole board in watts.</summary>
    public double? PowerDrawWatts { get; init; }

    /// <summary>Power limit the driver enforces, in watts.</summary>
    public double? PowerLimitWatts { get; init; }

    /// <summary>Current streaming-multiprocessor clock in MHz.</summary>
    public int? SmClockMhz { get; init; }

    /// <summary>Current memory clock in MHz.</summary>
    public int? MemoryClockMhz { get; init; }

    /// <summary>Highest memory clock the card supports, in MHz.</summary>
    public int? MaxMemoryClockMhz { get; init; }

    /// <summary>Width of the memory bus in bits.</summary>
    public int? MemoryBusWidthBits { get; init; }

    /// <summary>Current PCIe link generation (it drops at idle to save power).</summary>
    public int? PcieLinkGeneration { get; init; }

    /// <summary>Current PCIe link width (lanes).</summary>
    public int? PcieLinkWidth { get; init; }

    /// <summary>Version of the installed NVIDIA driver, e.g. "550.54.14".</summary>
    public string? DriverVersion { get; init; }

    /// <summary>Highest CUDA version the driver supports, e.g. "12.4".</summary>
    public string? CudaDriverVersion { get; init; }

    /// <summary>Processes holding video memory on this GPU; empty when none or when the probe cannot list them.</summary>
    public IReadOnlyList<GpuProcessMemory> Processes { get; init; } = [];

    /// <summary>The name, or "GPU n" when the driver gave none.</summary>
    public string DisplayName => Name ?? $"GPU {Index}";

    /// <summary>
    /// Peak memory bandwidth in bytes per second: max memory clock × 2 transfers per clock × bus width in bytes.
    /// NVML reports GDDR and HBM clocks so that this gives the datasheet figure (RTX 4090: 10501 MHz × 2 × 48 B
    /// ≈ 1008 GB/s). Token generation is bound by this figure: each token reads every weight once.
    /// </summary>
    public long? PeakMemoryBandwidthBytesPerSecond =>
        MaxMemoryClockMhz is > 0 and var clock && MemoryBusWidthBits is > 0 and var bits
            ? clock * 1_000_000L * 2 * bits / 8
            : null;
}

/// <summary>Video memory one process holds on a GPU.</summary>
/// <param name="ProcessId">Process id as the driver sees it (the host's id when the worker runs in a container).</param>
/// <param name="UsedBytes">Bytes the process holds; null where the driver cannot tell (Windows WDDM mode).</param>
/// <param name="Name">Process name or executable path, when known.</param>
public sealed record GpuProcessMemory(int ProcessId, long? UsedBytes, string? Name);
