namespace Workbench.Web.Telemetry;

/// <summary>How much telemetry the dashboard keeps and how often it redraws (configuration section <c>Workbench:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Telemetry";

    /// <summary>Samples kept per worker host: 900 is 15 minutes at the worker's default 1 Hz. At least 1.</summary>
    public int HistoryCapacity { get; set; } = 900;

    /// <summary>Most worker hosts kept; a new host beyond this replaces the one that reported longest ago.</summary>
    public int MaxHosts { get; set; } = 32;

    /// <summary>How long the history of a host that stopped reporting (a disconnected worker) is kept.</summary>
    public TimeSpan HostRetention { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Least time between two notifications of one subscriber, in milliseconds.</summary>
    public int SubscriberThrottleMs { get; set; } = 250;
}
