using System.Runtime.CompilerServices;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// The formula-only estimate of the model a worker has loaded, at the settings it was loaded with (context,
/// micro-batch, flash attention, GPU layers on the worker's GPUs). Computed once per load.
/// </summary>
public sealed class LoadedModelEstimates(LibraryIndex library, EstimationModelSource source)
{
    private readonly ConditionalWeakTable<ModelLoadResult, MemoryEstimate> _byLoad = [];

    /// <summary>The estimate for <paramref name="worker"/>'s loaded model, or null when none is loaded or it is not in the library.</summary>
    public MemoryEstimate? For(ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.LoadedModel is { } loaded ? For(worker, loaded) : null;
    }

    /// <summary>The estimate, at the settings it was loaded with, for one of <paramref name="worker"/>'s resident models.</summary>
    public MemoryEstimate? For(ConnectedWorker worker, ModelLoadResult loaded)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded is not { Succeeded: true, ModelPath: { } path })
        {
            return null;
        }

        if (_byLoad.TryGetValue(loaded, out var known))
        {
            return known;
        }

        if (library.FindByPath(path) is not { } descriptor || source.For(descriptor).Model is not { } model)
        {
            return null;
        }

        var gpus = loaded.GpuLayers > 0 && worker.Hardware is { } hardware
            ? DetectedBudget.From(hardware, worker.Registration.ProcessId).Gpus
            : [];
        var settings = RunSettings.Default with
        {
            // Every sequence's window together: llama.cpp's n_ctx.
            ContextLength = loaded.ContextSize * Math.Max(1, loaded.ParallelSequences),
            ParallelSequences = Math.Max(1, loaded.ParallelSequences),
            MicroBatchSize = loaded.MicroBatchSize > 0 ? loaded.MicroBatchSize : RunSettings.Default.MicroBatchSize,
            FlashAttention = loaded.FlashAttention,
            KeyCacheType = loaded.KvCache,
            ValueCacheType = loaded.KvCache,
            GpuLayers = gpus.Count > 0 ? loaded.GpuLayers : 0,
        };
        var estimate = MemoryEstimator.Estimate(model, settings, gpus);
        _byLoad.AddOrUpdate(loaded, estimate);
        return estimate;
    }

    /// <summary>Reference lines for the telemetry charts of <paramref name="worker"/>'s host.</summary>
    public ModelMemoryReference? ReferenceFor(ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (For(worker) is not { } estimate)
        {
            return null;
        }

        // Estimate devices follow the detected GPUs' order, which is the driver's.
        var indexes = worker.Hardware?.Gpus.Where(g => g.MemoryTotalBytes is > 0).Select(g => g.Index).ToList() ?? [];
        var gpus = estimate.Gpus
            .Where(d => d.Index < indexes.Count && d.TotalBytes > 0)
            .ToDictionary(d => indexes[d.Index], d => d.TotalBytes);
        return new ModelMemoryReference(estimate.TotalRamBytes, gpus);
    }
}
