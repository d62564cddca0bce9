using System.Collections.Concurrent;
using Workbench.Core.Hardware;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>The fleet: every worker connected to this dashboard, local or remote.</summary>
public sealed class WorkerRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConnectedWorker> _workers = new();

    /// <summary>Raised after a worker connects, disconnects or changes its loaded model.</summary>
    public event Action? Changed;

    /// <summary>Connected workers, oldest first.</summary>
    public IReadOnlyList<ConnectedWorker> Workers => [.. _workers.Values.OrderBy(w => w.ConnectedAt)];

    /// <summary>Records a worker's registration (again after a reconnect).</summary>
    public void Register(string connectionId, WorkerRegistration registration)
    {
        var now = time.GetUtcNow();
        _workers[connectionId] = new ConnectedWorker(connectionId, registration, now, null, IdleSince: now);
        Changed?.Invoke();
    }

    /// <summary>Forgets a worker whose connection ended.</summary>
    public void Remove(string connectionId)
    {
        if (_workers.TryRemove(connectionId, out _))
        {
            Changed?.Invoke();
        }
    }

    /// <summary>Records what a worker has loaded; any load in progress is over.</summary>
    public void SetLoadedModel(string connectionId, ModelLoadResult? loaded) =>
        Update(connectionId, worker => worker with { LoadedModel = loaded, Loading = null });

    /// <summary>Marks a load as started, at 0 %.</summary>
    public void StartLoading(string connectionId, string modelPath) =>
        Update(connectionId, worker => worker with { Loading = new LoadProgress(modelPath, 0f) });

    /// <summary>Records how far a worker's load has come; a report arriving after the load ended is ignored.</summary>
    public void SetLoadProgress(string connectionId, LoadProgress progress) =>
        Update(connectionId, worker => worker.Loading?.ModelPath == progress.ModelPath ? worker with { Loading = progress } : worker);

    /// <summary>Records that a worker started or finished a generation or load; finishing restarts the keep-alive clock.</summary>
    public void SetBusy(string connectionId, bool busy) =>
        Update(connectionId, worker => worker with { Busy = busy, IdleSince = busy ? worker.IdleSince : time.GetUtcNow() });

    /// <summary>Records what a worker's machine has.</summary>
    public void SetHardware(string connectionId, HardwareSnapshot snapshot) =>
        Update(connectionId, worker => worker with { Hardware = snapshot });

    /// <summary>The worker on this connection, if it registered.</summary>
    public ConnectedWorker? Find(string connectionId) => _workers.TryGetValue(connectionId, out var worker) ? worker : null;

    private void Update(string connectionId, Func<ConnectedWorker, ConnectedWorker> change)
    {
        if (_workers.TryGetValue(connectionId, out var worker))
        {
            _workers[connectionId] = change(worker);
            Changed?.Invoke();
        }
    }

    /// <summary>The worker that serves chat: for now the longest-connected one.</summary>
    public ConnectedWorker? PickWorker()
    {
        var workers = Workers;
        return workers.Count > 0 ? workers[0] : null;
    }
}
