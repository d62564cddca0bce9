using Microsoft.AspNetCore.SignalR;
using Workbench.Core.Protocol;
using Workbench.Web.Library;

namespace Workbench.Web.Workers;

/// <summary>
/// Asks every worker to report its hardware again after a model folder is added or removed, so the disks on the
/// Hardware page follow the settings page without a worker restart.
/// </summary>
public sealed partial class HardwareRefreshOnModelRootChange(
    ModelRootCatalog roots,
    IHubContext<WorkerHub, IWorkerClient> hub,
    ILogger<HardwareRefreshOnModelRootChange> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        roots.Changed += OnRootsChanged;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        roots.Changed -= OnRootsChanged;
        return Task.CompletedTask;
    }

    private void OnRootsChanged() => _ = RefreshAsync();

    private async Task RefreshAsync()
    {
        try
        {
            await hub.Clients.All.RefreshHardware();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            LogRefreshFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking workers to report their hardware again failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
