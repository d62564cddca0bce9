using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workbench.Web.Workers;

/// <summary>
/// Healthy with a worker connected; "Starting" (healthy, HTTP 200) while the local worker starts for the first time;
/// degraded (still HTTP 200) while none is connected otherwise, since the dashboard itself works. A change of state
/// is logged once (<see cref="HealthStateLog"/>), not on every probe.
/// </summary>
internal sealed class WorkerHealthCheck(WorkerRegistry registry, WorkerSupervisor supervisor, HealthStateLog stateLog) : IHealthCheck
{
    /// <summary>Key of the result data that names the state: "connected", "starting" or "degraded".</summary>
    public const string StateKey = "state";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = Evaluate(registry.Workers.Count, supervisor.Status);
        stateLog.Report((string)result.Data[StateKey], result.Description);
        return Task.FromResult(result);
    }

    /// <summary>The result for <paramref name="connected"/> workers while the local worker process is in <paramref name="local"/>.</summary>
    public static HealthCheckResult Evaluate(int connected, WorkerProcessStatus local)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (connected > 0)
        {
            return HealthCheckResult.Healthy($"{connected} worker(s) connected.", State("connected"));
        }

        return local is { State: WorkerProcessState.Starting or WorkerProcessState.Running, Restarts: 0 }
            ? HealthCheckResult.Healthy("Starting: the local worker has not connected yet.", State("starting"))
            : HealthCheckResult.Degraded($"No worker connected; local worker: {local.State}.", data: State("degraded"));
    }

    /// <summary>Writes "Healthy", "Starting" or "Degraded" (plain text, as before plus the starting state).</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var starting = report.Status == HealthStatus.Healthy
            && report.Entries.Values.Any(e => e.Data.TryGetValue(StateKey, out var state) && (string)state == "starting");
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(starting ? "Starting" : report.Status.ToString());
    }

    /// <summary>The options that map /healthz with <see cref="WriteAsync"/>.</summary>
    public static HealthCheckOptions Options { get; } = new() { ResponseWriter = WriteAsync };

    private static Dictionary<string, object> State(string name) => new() { [StateKey] = name };
}

/// <summary>Logs the workers' health state when it changes, once, instead of a warning on every probe.</summary>
internal sealed partial class HealthStateLog(ILogger<HealthStateLog> logger)
{
    private readonly Lock _lock = new();
    private string? _last;

    public void Report(string state, string? description)
    {
        lock (_lock)
        {
            if (state == _last)
            {
                return;
            }

            _last = state;
        }

        if (state == "degraded")
        {
            LogDegraded(logger, description);
        }
        else
        {
            LogChanged(logger, state, description);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: degraded. {Description}")]
    private static partial void LogDegraded(ILogger logger, string? description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {State}. {Description}")]
    private static partial void LogChanged(ILogger logger, string state, string? description);
}
