using Microsoft.AspNetCore.SignalR;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>What an owner's action on the fleet came to.</summary>
public enum FleetActionOutcome
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No connected worker (or known machine) by that id or name.</summary>
    NotFound,

    /// <summary>Refused: the local worker is part of this dashboard and cannot be retired from it.</summary>
    LocalWorker,
}

/// <summary>
/// The owner's actions on the fleet (name a machine, retire or restore it, pin a model to it), applied both to the
/// stored choices (<see cref="FleetChoices"/>) and to the workers connected now.
/// </summary>
public sealed class FleetAdministration(
    FleetChoices choices,
    WorkerRegistry registry,
    WorkerGateway gateway,
    FleetView view,
    WorkerModels workerModels,
    IHubContext<WorkerHub, IWorkerClient> hub)
{
    /// <summary>A connected worker by connection id, worker id or machine name.</summary>
    public ConnectedWorker? Find(string id) => WorkerRegistry.FindIn(registry.Workers, id);

    /// <summary>Whether <paramref name="worker"/> is the one this dashboard started and watches.</summary>
    public bool IsLocal(ConnectedWorker worker) => view.IsLocal(worker);

    /// <summary>Names the machine of a connected worker (blank: back to the name it reports).</summary>
    public async Task<FleetActionOutcome> NameAsync(string id, string? name, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } worker)
        {
            return FleetActionOutcome.NotFound;
        }

        await choices.NameAsync(worker.Registration.HostName, name, cancellationToken);
        return FleetActionOutcome.Done;
    }

    /// <summary>
    /// Retires a machine: remembered so its worker is refused when it connects again, and the worker connected now is
    /// told to stop (its answers in progress end as a lost worker's do).
    /// </summary>
    public async Task<FleetActionOutcome> RetireAsync(string id, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } worker)
        {
            return FleetActionOutcome.NotFound;
        }

        if (IsLocal(worker))
        {
            return FleetActionOutcome.LocalWorker;
        }

        var hostName = worker.Registration.HostName;
        await choices.RetireAsync(hostName, retired: true, cancellationToken);
        foreach (var connected in registry.Workers.Where(w => w.Registration.HostName == hostName))
        {
            await hub.Clients.Client(connected.ConnectionId).Retire($"the owner retired '{hostName}' from the dashboard.");
            registry.Remove(connected.ConnectionId);
        }

        workerModels.Forget(hostName);

        return FleetActionOutcome.Done;
    }

    /// <summary>Lets a retired machine join again.</summary>
    public async Task<FleetActionOutcome> RestoreAsync(string hostName, CancellationToken cancellationToken)
    {
        if (!choices.IsRetired(hostName))
        {
            return FleetActionOutcome.NotFound;
        }

        await choices.RetireAsync(hostName, retired: false, cancellationToken);
        return FleetActionOutcome.Done;
    }

    /// <summary>
    /// Pins a model to a connected worker's machine; idle copies of it on other workers are unloaded so the next
    /// request loads it where it is pinned.
    /// </summary>
    public async Task<FleetActionOutcome> PinAsync(string modelPath, string workerId, CancellationToken cancellationToken)
    {
        if (Find(workerId) is not { } worker)
        {
            return FleetActionOutcome.NotFound;
        }

        await choices.PinAsync(modelPath, worker.Registration.HostName, cancellationToken);
        foreach (var other in registry.Holding(modelPath).Where(w => w.Registration.HostName != worker.Registration.HostName))
        {
            if (other.FindResident(modelPath) is { InUse: false })
            {
                await gateway.UnloadModelAsync(other.ConnectionId, modelPath, cancellationToken);
            }
        }

        return FleetActionOutcome.Done;
    }

    /// <summary>Removes a model's pin; answers whether it had one.</summary>
    public async Task<bool> UnpinAsync(string modelPath, CancellationToken cancellationToken)
    {
        if (choices.PinFor(modelPath) is null)
        {
            return false;
        }

        await choices.PinAsync(modelPath, null, cancellationToken);
        return true;
    }
}
