namespace Workbench.Core.Hardware;

/// <summary>System memory and the worker's own share of it. A value is null when the OS does not say.</summary>
public sealed record MemoryInfo
{
    /// <summary>Installed RAM visible to the OS, in bytes.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>RAM that can be given to new allocations without swapping (Linux MemAvailable), in bytes.</summary>
    public long? AvailableBytes { get; init; }

    /// <summary>Swap space in bytes.</summary>
    public long? SwapTotalBytes { get; init; }

    /// <summary>Unused swap space in bytes.</summary>
    public long? SwapFreeBytes { get; init; }

    /// <summary>Resident memory of the worker process (RSS), in bytes; includes mapped model pages in RAM.</summary>
    public long? ProcessResidentBytes { get; init; }

    /// <summary>Memory limit of the worker's container (cgroup), when it is below <see cref="TotalBytes"/>.</summary>
    public long? ContainerLimitBytes { get; init; }

    /// <summary>
    /// Measured copy bandwidth of RAM (bytes read plus bytes written per second by one thread: a lower bound of what all cores reach), for speed estimates
    /// on the CPU; null when not measured. Taken once per worker start, before any model competes for memory.
    /// </summary>
    public long? MeasuredBandwidthBytesPerSecond { get; init; }
}
