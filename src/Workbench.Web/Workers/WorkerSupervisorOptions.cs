using System.ComponentModel.DataAnnotations;

namespace Workbench.Web.Workers;

/// <summary>How the dashboard runs its local worker (configuration section <c>Workbench:Supervisor</c>).</summary>
public sealed class WorkerSupervisorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Supervisor";

    /// <summary>Start and supervise a worker on this machine; off for dashboards that only serve remote workers.</summary>
    public bool StartLocalWorker { get; set; } = true;

    /// <summary>Path of <c>Workbench.Worker.dll</c>; empty finds it beside the web host.</summary>
    public string? WorkerAssemblyPath { get; set; }

    /// <summary>First delay before restarting a worker that exited; doubles per crash in a row.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between restarts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Size at which <c>logs/worker.log</c> rolls over to <c>worker.log.1</c>.</summary>
    [Range(4096, long.MaxValue)]
    public long LogFileMaxBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Log files kept, the current one included.</summary>
    [Range(1, 100)]
    public int LogFilesKept { get; set; } = 3;

    /// <summary>Milliseconds between the local worker's telemetry samples; empty keeps the worker's default (1 Hz).</summary>
    [Range(100, 10_000)]
    public int? WorkerTelemetryIntervalMs { get; set; }
}

/// <summary>Checks <see cref="WorkerSupervisorOptions"/> at start-up.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class WorkerSupervisorOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WorkerSupervisorOptions>;
