using System.ComponentModel.DataAnnotations;

namespace Workbench.Worker.Hosting;

/// <summary>Settings of a worker process (configuration section <c>Workbench:Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Worker";

    /// <summary>Absolute URL of the dashboard's worker hub, e.g. http://127.0.0.1:8080/hubs/worker.</summary>
    [Required(ErrorMessage = "Workbench:Worker:HubUrl is required: the URL of the dashboard's worker hub, e.g. http://127.0.0.1:8080/hubs/worker.")]
    [Url(ErrorMessage = "Workbench:Worker:HubUrl must be an absolute http(s) URL.")]
    public string HubUrl { get; set; } = string.Empty;

    /// <summary>
    /// The dashboard's worker secret (its <c>Workbench:Access:WorkerSecret</c>, or the generated
    /// <c>security/worker.secret</c> in its data folder); the local worker gets it from its supervisor.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How the dashboard names this worker (<c>Workbench:Worker:Name</c>); unset: the machine's name.</summary>
    [StringLength(64, ErrorMessage = "Workbench:Worker:Name may be at most 64 characters.")]
    public string? Name { get; set; }

    /// <summary>The name shown on the dashboard.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    /// <summary>
    /// Model folders on this worker's own machine (<c>Workbench:Worker:ModelRoots</c>); the dashboard lists their models
    /// as this machine's and loads them only here. Empty for a worker beside the dashboard, which reads its folders.
    /// </summary>
    public IList<string> ModelRoots { get; } = [];

    /// <summary>When set, the worker exits once this process (the supervising web host) is gone.</summary>
    public int? ParentProcessId { get; set; }

    /// <summary>
    /// CPU threads llama.cpp decodes with; null: one per physical core. Also read from <c>Workbench:Runtime:Threads</c>,
    /// the name the dashboard's settings use.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Workbench:Runtime:Threads must be between 1 and 1024.")]
    public int? Threads { get; set; }

    /// <summary>CPU threads for prompt processing (<c>Workbench:Runtime:BatchThreads</c>); null: as many as <see cref="Threads"/>.</summary>
    [Range(1, 1024, ErrorMessage = "Workbench:Runtime:BatchThreads must be between 1 and 1024.")]
    public int? BatchThreads { get; set; }

    /// <summary>Milliseconds between telemetry samples; values outside 100–10000 are clamped.</summary>
    public int TelemetryIntervalMs { get; set; } = DefaultTelemetryIntervalMs;

    /// <summary>Default of <see cref="TelemetryIntervalMs"/>: 1 Hz.</summary>
    public const int DefaultTelemetryIntervalMs = 1000;

    /// <summary><see cref="TelemetryIntervalMs"/> clamped to 100 ms – 10 s.</summary>
    public TimeSpan TelemetryInterval => TimeSpan.FromMilliseconds(Math.Clamp(TelemetryIntervalMs, 100, 10_000));
}

/// <summary>Checks <see cref="WorkerOptions"/> at start-up (source-generated from the attributes).</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class WorkerOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WorkerOptions>;
