using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// The memory a worker's resident models may share, and what each takes from it: VRAM on a GPU backend with GPUs
/// (the first bottleneck), otherwise RAM less 2 GiB for the system. <c>Workbench:Runtime:MemoryBudgetMiB</c> overrides it.
/// </summary>
public static class WorkerMemoryBudget
{
    private const long SystemReserveBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Whether models on this worker live in VRAM.</summary>
    public static bool UsesGpu(ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return !string.Equals(worker.Registration.Backend, "Cpu", StringComparison.OrdinalIgnoreCase)
            && worker.Hardware is { TotalVramBytes: > 0 };
    }

    /// <summary>Bytes the resident models may take together; null when nothing is known (no limit).</summary>
    public static long? Bytes(ConnectedWorker worker, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MemoryBudgetMiB is { } mib)
        {
            return mib * ByteSize.MiB;
        }

        if (UsesGpu(worker))
        {
            return worker.Hardware!.TotalVramBytes;
        }

        return worker.Hardware?.Memory.TotalBytes is { } ram ? Math.Max(ram / 2, ram - SystemReserveBytes) : null;
    }

    /// <summary>What a loaded model takes from the budget, from llama.cpp's own buffers (its file size when unknown).</summary>
    public static long Footprint(ModelLoadResult load, bool usesGpu)
    {
        ArgumentNullException.ThrowIfNull(load);
        return load.Buffers is { } buffers
            ? usesGpu ? buffers.GpuBytes : buffers.TotalBytes
            : (long)Math.Min(load.SizeBytes, long.MaxValue);
    }

    /// <summary>What an estimate says a model will take from the budget.</summary>
    public static long Footprint(MemoryEstimate estimate, bool usesGpu)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        return usesGpu ? estimate.TotalGpuBytes : estimate.TotalRamBytes + estimate.TotalGpuBytes;
    }
}
