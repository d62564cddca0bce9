using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Workers;

/// <summary>
/// Unloads each resident model once it has been unused for its keep-alive (the last request's <c>keep_alive</c>,
/// else <see cref="KeepAliveDefault"/>: the Settings page's choice or <see cref="WorkbenchOptions.ModelKeepAlive"/>), so an idle dashboard does not hold the GPU's memory.
/// </summary>
public sealed partial class ModelKeepAlive(
    WorkerRegistry registry,
    WorkerGateway gateway,
    KeepAliveDefault keepAliveDefault,
    TimeProvider time,
    ILogger<ModelKeepAlive> logger) : BackgroundService
{
    /// <summary>How often idle models are checked; also the countdown's precision.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>When this model will be unloaded if nothing uses it; null when it is in use or kept forever.</summary>
    public DateTimeOffset? UnloadsAt(ResidentModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ExpiresAt(keepAliveDefault.Current);
    }

    /// <summary>When the worker's next model will be unloaded; null when none will.</summary>
    public DateTimeOffset? UnloadsAt(ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.Loading is null ? worker.Resident.Select(UnloadsAt).Where(t => t is not null).Min() : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await UnloadExpiredAsync(stoppingToken);
        }
    }

    /// <summary>Unloads every model whose keep-alive has run out (also called at once after a request's <c>keep_alive: 0</c>).</summary>
    public async Task UnloadExpiredAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in registry.Workers)
        {
            var expired = worker.Resident.Where(m => UnloadsAt(m) is { } due && due <= time.GetUtcNow()).Select(m => m.Path).ToList();
            if (expired.Count == 0 || worker.Loading is not null)
            {
                continue;
            }

            // Taken atomically: a model a request just picked up stays.
            foreach (var model in registry.TakeIdle(worker.ConnectionId, expired))
            {
                await UnloadAsync(worker, model, cancellationToken);
            }
        }
    }

    private async Task UnloadAsync(ConnectedWorker worker, ResidentModel model, CancellationToken cancellationToken)
    {
        try
        {
            LogUnloading(logger, worker.Registration.HostName, model.Path, model.KeepAlive ?? keepAliveDefault.Current);
            await gateway.UnloadModelAsync(worker.ConnectionId, model.Path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.AspNetCore.SignalR.HubException)
        {
            // The worker went away or could not answer; the dashboard already shows the model unloaded.
            LogUnloadFailed(logger, ex, worker.Registration.HostName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading {Model} on {Host}: idle for {KeepAlive}")]
    private static partial void LogUnloading(ILogger logger, string host, string model, TimeSpan keepAlive);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unload the idle model on {Host}")]
    private static partial void LogUnloadFailed(ILogger logger, Exception exception, string host);
}
