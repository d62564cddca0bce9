using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;

namespace Workbench.Web.Workers;

/// <summary>
/// The models on workers' own disks (<c>Workbench:Worker:ModelRoots</c> on their machines), as they report them: listed
/// in the library under their machine, with the shape the worker read so the estimator can judge them here. A
/// machine's models leave the library when its last worker disconnects, since nothing else can load them.
/// </summary>
public sealed class WorkerModels(LibraryIndex library, EstimationModelSource shapes, WorkerRegistry registry)
{
    /// <summary>Most models kept per machine.</summary>
    public const int MaxModelsPerMachine = 500;

    private const int NameLength = 200;
    private const int PathLength = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, ModelDescriptor>> _byMachine = new(StringComparer.Ordinal);

    /// <summary>A worker lists the paths it has; models it reported earlier and no longer lists are dropped.</summary>
    public void KeepOnly(string connectionId, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (MachineOf(connectionId) is not { } machine)
        {
            return;
        }

        var keep = paths.Take(MaxModelsPerMachine).ToHashSet(StringComparer.Ordinal);
        Publish(machine, models =>
        {
            foreach (var gone in models.Keys.Where(p => !keep.Contains(p)).ToList())
            {
                models.Remove(gone);
            }
        });
    }

    /// <summary>A worker reports one model of its own disk.</summary>
    public void Add(string connectionId, WorkerModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (MachineOf(connectionId) is not { } machine || file.Model is not { } reported
            || string.IsNullOrEmpty(reported.PrimaryPath) || reported.PrimaryPath.Length > PathLength || !Path.IsPathFullyQualified(reported.PrimaryPath))
        {
            return;
        }

        // Known by machine and path, so the same path on two machines is two models.
        var model = reported with
        {
            Id = ModelDescriptor.CreateId($"{machine}:{reported.PrimaryPath}"),
            Name = WorkerReportText.Safe(reported.Name, NameLength),
            Machine = machine,
            Files = [.. reported.Files.Where(f => f.Length <= PathLength).Take(64)],
            Fingerprint = WorkerReportText.SafeOrNull(reported.Fingerprint, NameLength),
        };
        if (file.Estimation is { } shape && model.Error is null && Plausible(shape))
        {
            shapes.Remember(model, shape);
        }

        Publish(machine, models =>
        {
            if (models.Count < MaxModelsPerMachine || models.ContainsKey(model.PrimaryPath))
            {
                models[model.PrimaryPath] = model;
            }
        });
    }

    /// <summary>Drops a machine's models once none of its workers is connected.</summary>
    public void Forget(string machine)
    {
        if (registry.Workers.Any(w => w.Registration.HostName == machine))
        {
            return;
        }

        lock (_gate)
        {
            if (!_byMachine.Remove(machine))
            {
                return;
            }
        }

        library.ReplaceMachine(machine, []);
    }

    // A shape the estimator can work on without tripping over it: the worker is trusted to run models, not to feed
    // the dashboard numbers that break its pages.
    private static bool Plausible(Workbench.Core.Estimation.EstimationModel shape) =>
        shape.LayerCount is > 0 and <= 1024
        && shape.HeadCountPerLayer.Count == shape.LayerCount && shape.HeadCountKvPerLayer.Count == shape.LayerCount
        && shape.LayerWeightBytes.Count == shape.LayerCount && shape.LayerWeightBytes.All(b => b >= 0)
        && shape.HeadCountPerLayer.All(h => h is >= 0 and <= 4096) && shape.HeadCountKvPerLayer.All(h => h is >= 0 and <= 4096)
        && shape.EmbeddingLength is > 0 and <= 1 << 20 && shape.VocabularySize is > 0 and <= 1 << 24
        && shape.KeyHeadLength is > 0 and <= 4096 && shape.ValueHeadLength is > 0 and <= 4096
        && shape.Tensors.Count <= 100_000
        && new[] { shape.InputEmbeddingBytes, shape.OutputHeadBytes, shape.OtherWeightBytes, shape.TrainingContextLength }.All(b => b >= 0);

    private string? MachineOf(string connectionId) => registry.Find(connectionId)?.Registration.HostName;

    private void Publish(string machine, Action<Dictionary<string, ModelDescriptor>> change)
    {
        IReadOnlyList<ModelDescriptor> snapshot;
        lock (_gate)
        {
            if (!_byMachine.TryGetValue(machine, out var models))
            {
                _byMachine[machine] = models = new Dictionary<string, ModelDescriptor>(StringComparer.Ordinal);
            }

            change(models);
            snapshot = [.. models.Values.OrderBy(m => m.PrimaryPath, StringComparer.Ordinal)];
        }

        library.ReplaceMachine(machine, snapshot);
    }
}
