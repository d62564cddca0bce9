namespace Workbench.Web.Workers;

/// <summary>Where the supervised local worker process is in its life.</summary>
public enum WorkerProcessState
{
    /// <summary>Supervision is off (remote workers only).</summary>
    Disabled,

    /// <summary>The process is being started.</summary>
    Starting,

    /// <summary>The process runs.</summary>
    Running,

    /// <summary>The process ended unexpectedly; a restart is scheduled.</summary>
    Crashed,

    /// <summary>The dashboard is shutting down.</summary>
    Stopped,
}

/// <summary>A snapshot of the supervised worker for the UI.</summary>
/// <param name="State">Its state.</param>
/// <param name="ProcessId">Its process id while running.</param>
/// <param name="Restarts">How many times it was restarted.</param>
/// <param name="LastExit">Why it last ended, in words.</param>
public sealed record WorkerProcessStatus(WorkerProcessState State, int? ProcessId, int Restarts, string? LastExit);
