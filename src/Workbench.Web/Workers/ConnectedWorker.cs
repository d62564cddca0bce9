using Workbench.Core.Hardware;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>A worker connected to the hub right now.</summary>
/// <param name="ConnectionId">SignalR connection id, the address for calls to it.</param>
/// <param name="Registration">What the worker said about itself.</param>
/// <param name="ConnectedAt">When it registered.</param>
/// <param name="Resident">The models it holds in memory.</param>
/// <param name="Loading">The load in progress, if any.</param>
/// <param name="Hardware">What the worker's machine has, once it reported it.</param>
public sealed record ConnectedWorker(
    string ConnectionId,
    WorkerRegistration Registration,
    DateTimeOffset ConnectedAt,
    IReadOnlyList<ResidentModel> Resident,
    LoadProgress? Loading = null,
    HardwareSnapshot? Hardware = null)
{
    /// <summary>The model used most recently, if any is resident: what a request that names no model gets.</summary>
    public ModelLoadResult? LoadedModel => MostRecentlyUsed?.Load;

    /// <summary>The resident model used most recently.</summary>
    public ResidentModel? MostRecentlyUsed => Resident.Count == 0 ? null : Resident.MaxBy(m => m.LastUsed);

    /// <summary>Whether it is loading or any request holds one of its models.</summary>
    public bool Busy => Loading is not null || Resident.Any(m => m.InUse);

    /// <summary>Answers being generated on all its models.</summary>
    public int Generating => Resident.Sum(m => m.Generating);

    /// <summary>The resident entry for <paramref name="modelPath"/>, if it holds that model.</summary>
    public ResidentModel? FindResident(string? modelPath) =>
        modelPath is null ? null : Resident.FirstOrDefault(m => string.Equals(m.Path, modelPath, StringComparison.Ordinal));
}
