namespace Workbench.Web.Workers;

/// <summary>
/// How pages show the fleet: the owner's names for machines, which worker is the local one (the process this
/// dashboard supervises) and the order machines are listed in, this one first.
/// </summary>
public sealed class FleetView(WorkerRegistry registry, FleetChoices choices)
{
    /// <summary>The local worker's process id while the supervisor runs it; set by <see cref="WorkerSupervisor"/>.</summary>
    public int? LocalProcessId { get; set; }

    /// <summary>Whether <paramref name="worker"/> is the one this dashboard started and watches.</summary>
    public bool IsLocal(ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return LocalProcessId is { } pid && worker.Registration.ProcessId == pid;
    }

    /// <summary>The machine name of the local worker, when it is connected.</summary>
    public string? LocalHostName => registry.Workers.FirstOrDefault(IsLocal)?.Registration.HostName;

    /// <summary>The owner's name for a machine, else the name its worker reports.</summary>
    public string DisplayName(string hostName) => choices.DisplayName(hostName);

    /// <summary>Machines in the order pages list them: this machine first, then by name.</summary>
    public IEnumerable<T> LocalFirst<T>(IEnumerable<T> items, Func<T, string> hostName)
    {
        var local = LocalHostName;
        return items.OrderByDescending(i => hostName(i) == local).ThenBy(i => DisplayName(hostName(i)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A machine's heading: its name, marked when it is this one.</summary>
    public string Heading(string hostName) => DisplayName(hostName) + (hostName == LocalHostName ? " (this machine)" : string.Empty);
}
