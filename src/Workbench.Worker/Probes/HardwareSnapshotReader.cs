using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>Reads every probe into one <see cref="HardwareSnapshot"/>.</summary>
public sealed class HardwareSnapshotReader(
    IGpuProbe gpus, ICpuProbe cpu, IMemoryProbe memory, IMemoryBandwidthProbe memoryBandwidth, IDiskProbe disks, TimeProvider time)
{
    /// <summary>A snapshot now, with the disks holding <paramref name="diskPaths"/> (one entry per distinct mount).</summary>
    public HardwareSnapshot Read(IEnumerable<string> diskPaths, string backend)
    {
        ArgumentNullException.ThrowIfNull(diskPaths);
        return new HardwareSnapshot
        {
            HostName = Environment.MachineName,
            CapturedAt = time.GetUtcNow(),
            Cpu = cpu.ReadCpu(),
            Memory = memory.ReadMemory() with { MeasuredBandwidthBytesPerSecond = memoryBandwidth.MeasureBytesPerSecond() },
            Software = SoftwareInfo.OfCurrentProcess(backend),
            Gpus = gpus.ReadGpus(),
            GpuProvider = gpus.ProviderName,
            GpuUnavailableReason = gpus.UnavailableReason,
            Disks = diskPaths.Select(disks.ReadDisk).DistinctBy(d => d.MountPoint ?? d.Path).ToList(),
        };
    }
}
