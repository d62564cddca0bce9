using Workbench.Core.Hardware;

namespace Workbench.Core.Telemetry;

/// <summary>One reading of a worker machine's load. A value is null when the probe did not give it.</summary>
/// <param name="Timestamp">When the reading was taken.</param>
/// <param name="Gpus">Per-GPU readings; empty when the machine has no NVIDIA GPU.</param>
/// <param name="CpuUtilizationPercent">Busy share of all cores since the previous sample.</param>
/// <param name="RamTotalBytes">Installed RAM.</param>
/// <param name="RamAvailableBytes">RAM available to new allocations without swapping.</param>
/// <param name="WorkerResidentBytes">Resident memory of the worker process.</param>
public sealed record TelemetrySample(
    DateTimeOffset Timestamp,
    IReadOnlyList<GpuTelemetry> Gpus,
    double? CpuUtilizationPercent,
    long? RamTotalBytes,
    long? RamAvailableBytes,
    long? WorkerResidentBytes)
{
    /// <summary>RAM in use (total less available).</summary>
    public long? RamUsedBytes => RamTotalBytes is { } total && RamAvailableBytes is { } available ? Math.Max(0, total - available) : null;

    /// <summary>A sample from probe readings; <paramref name="workerProcessId"/> picks the worker's share of each GPU.</summary>
    public static TelemetrySample From(DateTimeOffset timestamp, IReadOnlyList<GpuInfo> gpus, double? cpuPercent, MemoryInfo memory, int? workerProcessId = null)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(memory);
        return new TelemetrySample(
            timestamp,
            [.. gpus.Select(g => GpuTelemetry.From(g, workerProcessId))],
            cpuPercent,
            memory.TotalBytes,
            memory.AvailableBytes,
            memory.ProcessResidentBytes);
    }
}

/// <summary>One GPU's load in a <see cref="TelemetrySample"/>: only the readings that are cheap to take every second.</summary>
/// <param name="Index">Driver index of the GPU.</param>
/// <param name="Name">Product name.</param>
/// <param name="MemoryUsedBytes">Video memory allocated.</param>
/// <param name="MemoryTotalBytes">Installed video memory.</param>
/// <param name="UtilizationPercent">Share of time a kernel ran.</param>
/// <param name="TemperatureCelsius">Core temperature.</param>
/// <param name="PowerDrawWatts">Board power draw.</param>
/// <param name="WorkerMemoryUsedBytes">
/// Video memory the worker process holds on this GPU (from the driver's process list), so a chart can set it against
/// the loaded model's estimate; null when the driver does not list processes or the worker holds none.
/// </param>
public sealed record GpuTelemetry(
    int Index,
    string? Name,
    long? MemoryUsedBytes,
    long? MemoryTotalBytes,
    int? UtilizationPercent,
    int? TemperatureCelsius,
    double? PowerDrawWatts,
    long? WorkerMemoryUsedBytes = null)
{
    /// <summary>The load readings of a probed GPU, with the memory of process <paramref name="workerProcessId"/>.</summary>
    public static GpuTelemetry From(GpuInfo gpu, int? workerProcessId = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var worker = workerProcessId is { } pid ? gpu.Processes.FirstOrDefault(p => p.ProcessId == pid)?.UsedBytes : null;
        return new GpuTelemetry(
            gpu.Index, gpu.Name, gpu.MemoryUsedBytes, gpu.MemoryTotalBytes, gpu.GpuUtilizationPercent, gpu.TemperatureCelsius, gpu.PowerDrawWatts, worker);
    }
}
