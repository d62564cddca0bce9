using System.Collections.Concurrent;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// How the estimate compared with what llama.cpp allocated at a model's last load, kept per library model so the
/// dashboard can show both side by side (on the worker card, and later beside the Compare table).
/// </summary>
public sealed class LoadMeasurements(WorkerRegistry workers, LibraryIndex library, EstimationModelSource source)
{
    private readonly ConcurrentDictionary<string, (ModelLoadResult Load, IReadOnlyList<LoadComparisonRow> Rows)> _byModel = new(StringComparer.Ordinal);

    /// <summary>The comparison of the last measured load of a model (loaded now or earlier).</summary>
    public IReadOnlyList<LoadComparisonRow>? For(string modelId)
    {
        Refresh();
        return _byModel.TryGetValue(modelId, out var entry) ? entry.Rows : null;
    }

    /// <summary>The comparison for a model path (what a worker reports it loaded).</summary>
    public IReadOnlyList<LoadComparisonRow>? ForPath(string path) => library.FindByPath(path) is { } model ? For(model.Id) : null;

    // Computed when asked, from what the workers report now; each load is compared once.
    private void Refresh()
    {
        foreach (var worker in workers.Workers)
        {
            if (worker.LoadedModel is not { Buffers: not null, ModelPath: { } path } loaded || library.FindByPath(path) is not { } descriptor
                || (_byModel.TryGetValue(descriptor.Id, out var known) && ReferenceEquals(known.Load, loaded)))
            {
                continue;
            }

            if (source.For(descriptor).Model is { } model)
            {
                // Loads from the dashboard put no layers on a GPU yet (the CPU backend is the default).
                _byModel[descriptor.Id] = (loaded, LoadComparison.Of(model, loaded, [], gpuLayers: 0));
            }
        }
    }
}
