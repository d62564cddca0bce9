using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Workers;

/// <summary>
/// Unloads a worker's model after <see cref="WorkbenchOptions.ModelKeepAlive"/> without a generation or
/// load, so an idle dashboard does not hold the GPU's memory.
/// </summary>
public sealed partial class ModelKeepAlive(
    WorkerRegistry registry,
    WorkerGateway gateway,
    IOptions<WorkbenchOptions> options,
    TimeProvider time,
    ILogger<ModelKeepAlive> logger) : BackgroundService
{
    /// <summary>How often idle workers are checked; also the countdown's precision.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>When this worker's model will be unloaded if nothing uses it; null when it is busy, empty or kept forever.</summary>
    public DateTimeOffset? UnloadsAt(ConnectedWorker worker) => UnloadTime(worker, options.Value.ModelKeepAlive);

    /// <summary>The keep-alive rule, on its own so it can be tested without a clock.</summary>
    internal static DateTimeOffset? UnloadTime(ConnectedWorker worker, TimeSpan keepAlive) =>
        keepAlive > TimeSpan.Zero && worker.LoadedModel is not null && !worker.Busy && worker.Loading is null
            ? worker.IdleSince + keepAlive
            : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var worker in registry.Workers)
            {
                if (UnloadsAt(worker) is { } due && due <= time.GetUtcNow())
                {
                    await UnloadAsync(worker, stoppingToken);
                }
            }
        }
    }

    private async Task UnloadAsync(ConnectedWorker worker, CancellationToken stoppingToken)
    {
        try
        {
            LogUnloading(logger, worker.Registration.HostName, worker.LoadedModel?.ModelPath, options.Value.ModelKeepAlive);
            await gateway.UnloadModelAsync(worker.ConnectionId, stoppingToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.AspNetCore.SignalR.HubException)
        {
            // The worker went away or could not answer; the next tick looks again.
            LogUnloadFailed(logger, ex, worker.Registration.HostName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading {Model} on {Host}: idle for {KeepAlive}")]
    private static partial void LogUnloading(ILogger logger, string host, string? model, TimeSpan keepAlive);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unload the idle model on {Host}")]
    private static partial void LogUnloadFailed(ILogger logger, Exception exception, string host);
}
