namespace Workbench.Web.Telemetry;

/// <summary>How much telemetry the dashboard keeps and how often it redraws (configuration section <c>Workbench:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Telemetry";

    /// <summary>Samples kept per worker host: 900 is 15 minutes at the worker's default 1 Hz. At least 1.</summary>
    public int HistoryCapacity { get; set; } = 900;

    /// <summary>Least time between two notifications of one subscriber, in milliseconds.</summary>
    public int SubscriberThrottleMs { get; set; } = 250;
}
