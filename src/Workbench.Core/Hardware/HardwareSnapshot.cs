namespace Workbench.Core.Hardware;

/// <summary>Everything the worker knows about its machine at one moment.</summary>
public sealed record HardwareSnapshot
{
    /// <summary>Machine name.</summary>
    public required string HostName { get; init; }

    /// <summary>When the probes were read.</summary>
    public required DateTimeOffset CapturedAt { get; init; }

    /// <summary>The CPU.</summary>
    public required CpuInfo Cpu { get; init; }

    /// <summary>System memory.</summary>
    public required MemoryInfo Memory { get; init; }

    /// <summary>Software the worker runs on.</summary>
    public required SoftwareInfo Software { get; init; }

    /// <summary>NVIDIA GPUs; empty when none was found.</summary>
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];

    /// <summary>Which GPU probe answered ("NVML", "nvidia-smi" or "none").</summary>
    public string? GpuProvider { get; init; }

    /// <summary>Why no GPU is listed, when none is.</summary>
    public string? GpuUnavailableReason { get; init; }

    /// <summary>File systems of the folders that matter (models, cache).</summary>
    public IReadOnlyList<DiskInfo> Disks { get; init; } = [];

    /// <summary>Video memory of all GPUs together (llama.cpp can split a model over them), in bytes.</summary>
    public long TotalVramBytes => Gpus.Sum(g => g.MemoryTotalBytes ?? 0);

    /// <summary>Which model sizes this machine runs well, from its VRAM and RAM.</summary>
    public HardwareTierAdvice AdviseTier() => HardwareTierAdvisor.Advise(TotalVramBytes, Memory.TotalBytes);
}
