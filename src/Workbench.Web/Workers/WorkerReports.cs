using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Core.Telemetry;
using static Workbench.Web.Workers.WorkerReportNumbers;
using static Workbench.Web.Workers.WorkerReportText;

namespace Workbench.Web.Workers;

/// <summary>
/// What a worker sends, validated before the dashboard keeps or shows it. A worker holds the secret but may be buggy
/// or hostile: its reports must not grow the host's memory without bound or break the pages (−400 % utilisation,
/// 1e308 W, right-to-left overrides in a host name). Lists are capped, numbers clamped, text cleaned.
/// </summary>
public static class WorkerReports
{
    /// <summary>Most GPUs kept from one report.</summary>
    public const int MaxGpus = 16;

    /// <summary>Most GPU processes or disks kept from one report.</summary>
    public const int MaxListItems = 64;

    /// <summary>How far a sample's clock may be from the dashboard's before the dashboard's time is used.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A registration with its names cleaned.</summary>
    public static WorkerRegistration Clean(WorkerRegistration registration) => registration with
    {
        WorkerId = Safe(registration.WorkerId, LabelLength),
        HostName = HostName(registration.HostName),
        Backend = Safe(registration.Backend, LabelLength),
        Version = Safe(registration.Version, LabelLength),
        LoadedModelPath = SafeOrNull(registration.LoadedModelPath, PathLength),
    };

    /// <summary>A telemetry sample in sane ranges, stamped with <paramref name="now"/> when its own clock is far off.</summary>
    public static TelemetrySample Clean(TelemetrySample sample, DateTimeOffset now) => sample with
    {
        Timestamp = (sample.Timestamp - now).Duration() > MaxClockSkew ? now : sample.Timestamp,
        Gpus = [.. (sample.Gpus ?? []).Take(MaxGpus).Select(Clean)],
        CpuUtilizationPercent = Percent(sample.CpuUtilizationPercent),
        RamTotalBytes = Bytes(sample.RamTotalBytes),
        RamAvailableBytes = Bytes(sample.RamAvailableBytes),
        WorkerResidentBytes = Bytes(sample.WorkerResidentBytes),
    };

    /// <summary>A hardware report with its names cleaned and numbers in range.</summary>
    public static HardwareSnapshot Clean(HardwareSnapshot snapshot) => snapshot with
    {
        HostName = HostName(snapshot.HostName),
        Cpu = snapshot.Cpu with { ModelName = SafeOrNull(snapshot.Cpu.ModelName, LabelLength) },
        Memory = snapshot.Memory with
        {
            TotalBytes = Bytes(snapshot.Memory.TotalBytes),
            AvailableBytes = Bytes(snapshot.Memory.AvailableBytes),
            SwapTotalBytes = Bytes(snapshot.Memory.SwapTotalBytes),
            SwapFreeBytes = Bytes(snapshot.Memory.SwapFreeBytes),
            ProcessResidentBytes = Bytes(snapshot.Memory.ProcessResidentBytes),
            ContainerLimitBytes = Bytes(snapshot.Memory.ContainerLimitBytes),
        },
        Software = snapshot.Software with
        {
            OsDescription = Safe(snapshot.Software.OsDescription, LabelLength),
            DotNetVersion = Safe(snapshot.Software.DotNetVersion, LabelLength),
            Backend = Safe(snapshot.Software.Backend, LabelLength),
        },
        Gpus = [.. (snapshot.Gpus ?? []).Take(MaxGpus).Select(Clean)],
        GpuProvider = SafeOrNull(snapshot.GpuProvider, LabelLength),
        GpuUnavailableReason = SafeOrNull(snapshot.GpuUnavailableReason, PathLength),
        Disks = [.. (snapshot.Disks ?? []).Take(MaxListItems).Select(Clean)],
    };

    private static GpuTelemetry Clean(GpuTelemetry gpu) => gpu with
    {
        Name = SafeOrNull(gpu.Name, LabelLength),
        MemoryUsedBytes = Bytes(gpu.MemoryUsedBytes),
        MemoryTotalBytes = Bytes(gpu.MemoryTotalBytes),
        UtilizationPercent = Percent(gpu.UtilizationPercent),
        TemperatureCelsius = Celsius(gpu.TemperatureCelsius),
        PowerDrawWatts = Watts(gpu.PowerDrawWatts),
        WorkerMemoryUsedBytes = Bytes(gpu.WorkerMemoryUsedBytes),
    };

    private static GpuInfo Clean(GpuInfo gpu) => gpu with
    {
        Name = SafeOrNull(gpu.Name, LabelLength),
        Uuid = SafeOrNull(gpu.Uuid, LabelLength),
        MemoryTotalBytes = Bytes(gpu.MemoryTotalBytes),
        MemoryUsedBytes = Bytes(gpu.MemoryUsedBytes),
        MemoryFreeBytes = Bytes(gpu.MemoryFreeBytes),
        GpuUtilizationPercent = Percent(gpu.GpuUtilizationPercent),
        MemoryUtilizationPercent = Percent(gpu.MemoryUtilizationPercent),
        TemperatureCelsius = Celsius(gpu.TemperatureCelsius),
        PowerDrawWatts = Watts(gpu.PowerDrawWatts),
        PowerLimitWatts = Watts(gpu.PowerLimitWatts),
        DriverVersion = SafeOrNull(gpu.DriverVersion, LabelLength),
        CudaDriverVersion = SafeOrNull(gpu.CudaDriverVersion, LabelLength),
        Processes = [.. (gpu.Processes ?? []).Take(MaxListItems)
            .Select(p => p with { UsedBytes = Bytes(p.UsedBytes), Name = SafeOrNull(p.Name, LabelLength) })],
    };

    private static DiskInfo Clean(DiskInfo disk) => disk with
    {
        Path = Safe(disk.Path, PathLength),
        MountPoint = SafeOrNull(disk.MountPoint, PathLength),
        Device = SafeOrNull(disk.Device, LabelLength),
        FileSystem = SafeOrNull(disk.FileSystem, LabelLength),
        FreeBytes = Bytes(disk.FreeBytes),
        TotalBytes = Bytes(disk.TotalBytes),
    };
}
