using Workbench.Core.Estimation;
using Workbench.Core.Hardware;

namespace Workbench.Web.Estimation;

/// <summary>
/// The memory a model could use on the chat worker's machine, from its last hardware report: each GPU's
/// free VRAM plus what the worker itself holds there (a new load replaces its current model), and free RAM.
/// </summary>
/// <param name="HostName">The worker's host, for labels.</param>
/// <param name="Gpus">One budget per detected GPU, in device order.</param>
/// <param name="AvailableRamBytes">RAM available for a model; null when unknown.</param>
/// <param name="RamBytesPerSecond">
/// RAM bandwidth the worker measured, for <see cref="SpeedEstimator.EstimateDecode"/> on the CPU; null when unmeasured.
/// </param>
public sealed record DetectedBudget(string HostName, IReadOnlyList<GpuBudget> Gpus, long? AvailableRamBytes, double? RamBytesPerSecond = null)
{
    /// <summary>The budget of a hardware report; <paramref name="workerProcessId"/> marks memory the worker already holds.</summary>
    public static DetectedBudget From(HardwareSnapshot snapshot, int workerProcessId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var gpus = snapshot.Gpus
            .Where(g => g.MemoryTotalBytes is > 0)
            .Select(g =>
            {
                var heldByWorker = g.Processes.Where(p => p.ProcessId == workerProcessId).Sum(p => p.UsedBytes ?? 0);
                var free = (g.MemoryFreeBytes ?? g.MemoryTotalBytes!.Value) + heldByWorker;
                return new GpuBudget($"GPU{g.Index} {g.DisplayName}", Math.Min(free, g.MemoryTotalBytes!.Value), g.PeakMemoryBandwidthBytesPerSecond);
            })
            .ToList();
        return new DetectedBudget(snapshot.HostName, gpus, snapshot.Memory.AvailableBytes, snapshot.Memory.MeasuredBandwidthBytesPerSecond);
    }
}
