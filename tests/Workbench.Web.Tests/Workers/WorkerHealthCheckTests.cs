using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class WorkerHealthCheckTests
{
    [Fact]
    public void A_connected_worker_is_healthy()
    {
        Assert.Equal(HealthStatus.Healthy, WorkerHealthCheck.Evaluate(1, new WorkerProcessStatus(WorkerProcessState.Running, 7, 0, null)).Status);
    }

    [Fact]
    public void The_first_start_of_the_local_worker_is_starting_not_degraded()
    {
        var result = WorkerHealthCheck.Evaluate(0, new WorkerProcessStatus(WorkerProcessState.Starting, null, 0, null));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("starting", result.Data[WorkerHealthCheck.StateKey]);
    }

    [Theory]
    [InlineData(WorkerProcessState.Starting, 2)]
    [InlineData(WorkerProcessState.Crashed, 1)]
    [InlineData(WorkerProcessState.Disabled, 0)]
    public void No_worker_after_a_restart_or_without_a_local_worker_is_degraded(WorkerProcessState state, int restarts)
    {
        var result = WorkerHealthCheck.Evaluate(0, new WorkerProcessStatus(state, null, restarts, null));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("degraded", result.Data[WorkerHealthCheck.StateKey]);
    }
}
