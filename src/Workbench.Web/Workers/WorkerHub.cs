using Microsoft.AspNetCore.SignalR;
using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Core.Telemetry;
using Workbench.Web.Library;
using Workbench.Web.Telemetry;

namespace Workbench.Web.Workers;

/// <summary>The hub workers connect to (<see cref="WorkerHubMethods.Path"/>): they register and stream their answers here.</summary>
/// <remarks>Every report is cleaned by <see cref="WorkerReports"/> first: a worker is trusted to run models, not to size the dashboard's memory.</remarks>
public sealed class WorkerHub(
    WorkerRegistry registry, WorkerGateway gateway, WorkerTurns turns, ModelSlots slots, TelemetryStore telemetry, ModelRootCatalog modelRoots, FleetChoices fleet, WorkerModels workerModels, TimeProvider time) : Hub<IWorkerClient>
{
    /// <summary>A worker announces itself; a connection is one host, so registering under a new name replaces the old one.</summary>
    public void Register(WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration.ProtocolVersion != WorkerProtocol.Version)
        {
            // Loud on both ends: the worker's log shows this message and it stops instead of half-working.
            throw new HubException(
                $"This dashboard speaks worker protocol {WorkerProtocol.Version}, but the worker speaks {registration.ProtocolVersion}; update the worker (or the dashboard) so both are the same Workbench version.");
        }

        var clean = WorkerReports.Clean(registration);
        if (fleet.IsRetired(clean.HostName))
        {
            throw new HubException(
                $"The owner retired the machine '{clean.HostName}' from this dashboard; restore it on the Settings page (Workers) to let it join again.");
        }

        var previous = registry.Find(Context.ConnectionId)?.Registration.HostName;
        registry.Register(Context.ConnectionId, clean);
        if (clean.LoadedModelPath is not null)
        {
            // A worker that reconnects still holding models (the dashboard restarted, or the network dropped) is
            // emptied, so nothing it holds is unknown to the residency rules. Not awaited: the worker answers only
            // once this call has returned.
            gateway.ResetWorker(Context.ConnectionId);
        }

        if (previous is not null && previous != clean.HostName && registry.Workers.All(w => w.Registration.HostName != previous))
        {
            telemetry.Forget(previous);
        }
    }

    /// <summary>A worker reports how far a model load has come.</summary>
    public void ReportLoadProgress(LoadProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var fraction = float.IsFinite(progress.Fraction) ? Math.Clamp(progress.Fraction, 0f, 1f) : 0f;
        registry.SetLoadProgress(Context.ConnectionId, progress with { Fraction = fraction });
    }

    /// <summary>A worker reports what its machine has.</summary>
    public void ReportHardware(HardwareSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        registry.SetHardware(Context.ConnectionId, WorkerReports.Clean(snapshot));
    }

    /// <summary>The model folders that exist on this host; a worker reports the disks of those it also has.</summary>
    public async Task<IReadOnlyList<string>> GetModelRoots() =>
        [.. (await modelRoots.ScanRootsAsync(Context.ConnectionAborted)).Select(root => root.Path)];

    /// <summary>A worker sends one telemetry sample; samples from a worker that has not registered are dropped.</summary>
    public void ReportTelemetry(TelemetrySample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (registry.Find(Context.ConnectionId) is { } worker)
        {
            telemetry.Add(worker.Registration.HostName, WorkerReports.Clean(sample, time.GetUtcNow()));
        }
    }

    /// <summary>A worker lists the models under its own model folders (the ones it reported before and left out are gone).</summary>
    public void ReportModelList(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        workerModels.KeepOnly(Context.ConnectionId, paths);
    }

    /// <summary>A worker reports one model under its own model folders, with its shape.</summary>
    public void ReportModel(WorkerModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        workerModels.Add(Context.ConnectionId, file);
    }

    /// <summary>A worker streams the chunks of one generation.</summary>
    public Task StreamGeneration(Guid requestId, IAsyncEnumerable<GenerationChunk> chunks) =>
        gateway.AcceptStreamAsync(Context.ConnectionId, requestId, chunks, Context.ConnectionAborted);

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        var machine = registry.Find(Context.ConnectionId)?.Registration.HostName;
        registry.Remove(Context.ConnectionId);
        if (machine is not null)
        {
            workerModels.Forget(machine);
        }

        turns.Forget(Context.ConnectionId);
        slots.Forget(Context.ConnectionId);
        gateway.FailPendingOf(Context.ConnectionId, exception is null
            ? "The worker disconnected before finishing."
            : $"The worker's connection was lost: {exception.Message}");
        return base.OnDisconnectedAsync(exception);
    }
}
