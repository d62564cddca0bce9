using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workbench.Web.Workers;

/// <summary>Healthy with a worker connected; degraded (still HTTP 200) while none is, since the dashboard itself works.</summary>
internal sealed class WorkerHealthCheck(WorkerRegistry registry, WorkerSupervisor supervisor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var count = registry.Workers.Count;
        var result = count > 0
            ? HealthCheckResult.Healthy($"{count} worker(s) connected.")
            : HealthCheckResult.Degraded($"No worker connected; local worker: {supervisor.Status.State}.");
        return Task.FromResult(result);
    }
}
