using Workbench.Core.Hardware;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>
/// The fleet: every worker connected to this dashboard, local or remote, with the models each holds. Changes are
/// made under one lock, so "is it resident and idle?" and "hold it" or "evict it" never interleave.
/// </summary>
public sealed class WorkerRegistry(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConnectedWorker> _workers = new(StringComparer.Ordinal);

    /// <summary>Raised after a worker connects, disconnects or changes what it holds or does.</summary>
    public event Action? Changed;

    /// <summary>Connected workers, oldest first.</summary>
    public IReadOnlyList<ConnectedWorker> Workers
    {
        get
        {
            lock (_gate)
            {
                return [.. _workers.Values.OrderBy(w => w.ConnectedAt)];
            }
        }
    }

    /// <summary>Records a worker's registration (again after a reconnect).</summary>
    public void Register(string connectionId, WorkerRegistration registration)
    {
        lock (_gate)
        {
            _workers[connectionId] = new ConnectedWorker(connectionId, registration, time.GetUtcNow(), []);
        }

        Changed?.Invoke();
    }

    /// <summary>Forgets a worker whose connection ended.</summary>
    public void Remove(string connectionId)
    {
        bool removed;
        lock (_gate)
        {
            removed = _workers.Remove(connectionId);
        }

        if (removed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Records a finished load: a successful one becomes (or replaces) a resident model, keeping the requests that
    /// hold it; null forgets every resident model. Any load in progress is over.
    /// </summary>
    public void SetLoadedModel(string connectionId, ModelLoadResult? loaded) =>
        Update(connectionId, worker =>
        {
            if (loaded is not { Succeeded: true, ModelPath: { } path })
            {
                return worker with { Resident = loaded is null ? [] : worker.Resident, Loading = null };
            }

            var previous = worker.FindResident(path);
            var entry = new ResidentModel(loaded, time.GetUtcNow(), previous?.Holders ?? 0, previous?.Generating ?? 0, previous?.KeepAlive, previous?.Placement);
            return worker with { Resident = [.. worker.Resident.Where(m => m.Path != path), entry], Loading = null };
        });

    /// <summary>Says why a resident model was put on this worker.</summary>
    public void SetPlacement(string connectionId, string modelPath, string reason) =>
        Change(connectionId, modelPath, model => model with { Placement = reason });

    /// <summary>Forgets one resident model (it was unloaded, or its load failed).</summary>
    public void RemoveResident(string connectionId, string modelPath) =>
        Update(connectionId, worker => worker with { Resident = [.. worker.Resident.Where(m => m.Path != modelPath)] });

    /// <summary>
    /// Holds <paramref name="modelPath"/> for a request when it is resident and <paramref name="serves"/> says its load
    /// will do, so it cannot be evicted before the request ends; false when it is not resident (or will not do).
    /// </summary>
    public bool TryHold(string connectionId, string modelPath, Func<ModelLoadResult, bool> serves)
    {
        var held = false;
        Update(connectionId, worker =>
        {
            if (worker.FindResident(modelPath) is not { } model || !serves(model.Load))
            {
                return worker;
            }

            held = true;
            return Replace(worker, model with { Holders = model.Holders + 1, LastUsed = time.GetUtcNow() });
        });
        return held;
    }

    /// <summary>Ends a request's hold; the keep-alive clock starts again from now.</summary>
    public void Release(string connectionId, string modelPath) =>
        Change(connectionId, modelPath, model => model with { Holders = Math.Max(0, model.Holders - 1), LastUsed = time.GetUtcNow() });

    /// <summary>Marks a resident model as just used (a request asked for it), so it is the last to be evicted.</summary>
    public void Touch(string connectionId, string modelPath) =>
        Change(connectionId, modelPath, model => model with { LastUsed = time.GetUtcNow() });

    /// <summary>Counts an answer starting (+1) or ending (−1) on a resident model.</summary>
    public void CountGenerating(string connectionId, string modelPath, int change) =>
        Change(connectionId, modelPath, model => model with { Generating = Math.Max(0, model.Generating + change) });

    /// <summary>Sets how long a resident model stays loaded unused (a request's keep-alive).</summary>
    public void SetKeepAlive(string connectionId, string modelPath, TimeSpan? keepAlive) =>
        Change(connectionId, modelPath, model => model with { KeepAlive = keepAlive });

    /// <summary>
    /// Takes the named models out of the resident set if no request holds them, for unloading; answers the ones taken.
    /// Atomic with <see cref="TryHold"/>, so a model is never unloaded under a request that just started.
    /// </summary>
    public IReadOnlyList<ResidentModel> TakeIdle(string connectionId, IReadOnlyCollection<string> modelPaths)
    {
        List<ResidentModel> taken = [];
        Update(connectionId, worker =>
        {
            taken = [.. worker.Resident.Where(m => !m.InUse && modelPaths.Contains(m.Path))];
            return taken.Count == 0 ? worker : worker with { Resident = [.. worker.Resident.Except(taken)] };
        });
        return taken;
    }

    /// <summary>Marks a load as started, at 0 %.</summary>
    public void StartLoading(string connectionId, string modelPath) =>
        Update(connectionId, worker => worker with { Loading = new LoadProgress(modelPath, 0f) });

    /// <summary>Marks the load in progress as over without changing the resident models.</summary>
    public void EndLoading(string connectionId) => Update(connectionId, worker => worker with { Loading = null });

    /// <summary>Records how far a worker's load has come; a report arriving after the load ended is ignored.</summary>
    public void SetLoadProgress(string connectionId, LoadProgress progress) =>
        Update(connectionId, worker => worker.Loading?.ModelPath == progress.ModelPath ? worker with { Loading = progress } : worker);

    /// <summary>Records what a worker's machine has.</summary>
    public void SetHardware(string connectionId, HardwareSnapshot snapshot) =>
        Update(connectionId, worker => worker with { Hardware = snapshot });

    /// <summary>
    /// The worker among <paramref name="workers"/> that <paramref name="id"/> names: its connection id or worker id,
    /// else its machine name (what people type and what pins and retiring remember).
    /// </summary>
    public static ConnectedWorker? FindIn(IEnumerable<ConnectedWorker> workers, string id)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var list = workers as IReadOnlyList<ConnectedWorker> ?? [.. workers];
        return list.FirstOrDefault(w => w.ConnectionId == id || w.Registration.WorkerId == id)
            ?? list.FirstOrDefault(w => w.Registration.HostName == id);
    }

    /// <summary>The worker on this connection, if it registered.</summary>
    public ConnectedWorker? Find(string connectionId)
    {
        lock (_gate)
        {
            return _workers.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>Every worker holding <paramref name="modelPath"/>.</summary>
    public IReadOnlyList<ConnectedWorker> Holding(string modelPath) => [.. Workers.Where(w => w.FindResident(modelPath) is not null)];

    /// <summary>The worker whose model was used most recently (the one a request that names no model gets), else the first.</summary>
    public ConnectedWorker? MostRecentlyUsed()
    {
        var workers = Workers;
        return workers.Where(w => w.MostRecentlyUsed is not null).MaxBy(w => w.MostRecentlyUsed!.LastUsed) ?? (workers.Count > 0 ? workers[0] : null);
    }

    /// <summary>The longest-connected worker: the local one when it runs (pages that show one machine start there).</summary>
    public ConnectedWorker? PickWorker()
    {
        var workers = Workers;
        return workers.Count > 0 ? workers[0] : null;
    }

    private void Change(string connectionId, string modelPath, Func<ResidentModel, ResidentModel> change) =>
        Update(connectionId, worker => worker.FindResident(modelPath) is { } model ? Replace(worker, change(model)) : worker);

    private static ConnectedWorker Replace(ConnectedWorker worker, ResidentModel model) =>
        worker with { Resident = [.. worker.Resident.Select(m => m.Path == model.Path ? model : m)] };

    private void Update(string connectionId, Func<ConnectedWorker, ConnectedWorker> change)
    {
        bool changed;
        lock (_gate)
        {
            changed = _workers.TryGetValue(connectionId, out var worker);
            if (changed)
            {
                _workers[connectionId] = change(worker!);
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
