using Workbench.Core.Hardware;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>A worker connected to the hub right now.</summary>
/// <param name="ConnectionId">SignalR connection id, the address for calls to it.</param>
/// <param name="Registration">What the worker said about itself.</param>
/// <param name="ConnectedAt">When it registered.</param>
/// <param name="LoadedModel">The model it has loaded, if any.</param>
/// <param name="Loading">The load in progress, if any.</param>
/// <param name="Hardware">What the worker's machine has, once it reported it.</param>
/// <param name="Busy">Whether it is generating or loading right now.</param>
/// <param name="IdleSince">When its last generation or load ended (or it connected); the keep-alive clock starts here.</param>
public sealed record ConnectedWorker(
    string ConnectionId,
    WorkerRegistration Registration,
    DateTimeOffset ConnectedAt,
    ModelLoadResult? LoadedModel,
    LoadProgress? Loading = null,
    HardwareSnapshot? Hardware = null,
    bool Busy = false,
    DateTimeOffset IdleSince = default);
