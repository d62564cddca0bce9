namespace Workbench.Core.Estimation;

/// <summary>
/// One GPU as the estimator sees it: how much memory is free for a model now and, for speed estimates, how fast its
/// memory is. Free memory is what the driver reports (NVML <c>free</c>), so other processes are already accounted for.
/// </summary>
/// <param name="Name">Shown in verdicts, e.g. "RTX 4070".</param>
/// <param name="FreeBytes">Memory free for the model before it loads.</param>
/// <param name="MemoryBandwidthBytesPerSecond">Theoretical memory bandwidth (see <see cref="GpuBandwidth"/>); null when unknown.</param>
/// <param name="TotalBytes">All of the GPU's memory, used or not (vLLM takes a share of this); null when only the free memory is known.</param>
/// <param name="Vendor">Who made it: ExLlamaV2 and vLLM run on NVIDIA and AMD GPUs only.</param>
public sealed record GpuBudget(string Name, long FreeBytes, double? MemoryBandwidthBytesPerSecond = null, long? TotalBytes = null, GpuVendor Vendor = GpuVendor.Unknown)
{
    /// <summary>A GPU with <paramref name="gibibytes"/> GiB free, for tests and what-if questions.</summary>
    public static GpuBudget WithGibibytes(string name, double gibibytes, double? bandwidthBytesPerSecond = null) =>
        new(name, (long)(gibibytes * ByteSize.GiB), bandwidthBytesPerSecond);

    /// <summary>All its memory: <see cref="TotalBytes"/>, else the free memory.</summary>
    public long CapacityBytes => Math.Max(TotalBytes ?? FreeBytes, FreeBytes);
}
