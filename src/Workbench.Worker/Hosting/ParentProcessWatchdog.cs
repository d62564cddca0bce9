using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Workbench.Worker.Hosting;

/// <summary>
/// Ends a supervised worker when its web host is gone, so a killed dashboard never leaves
/// an orphan worker holding GPU memory.
/// </summary>
internal sealed partial class ParentProcessWatchdog(
    IOptions<WorkerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ParentProcessWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ParentProcessId is not { } parentId)
        {
            return;
        }

        Process parent;
        try
        {
            parent = Process.GetProcessById(parentId);
        }
        catch (ArgumentException)
        {
            LogParentGone(logger, parentId);
            lifetime.StopApplication();
            return;
        }

        using (parent)
        {
            try
            {
                await parent.WaitForExitAsync(stoppingToken);
                LogParentGone(logger, parentId);
                lifetime.StopApplication();
            }
            catch (OperationCanceledException)
            {
                // Normal shutdown.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supervising process {ParentId} is gone; stopping the worker")]
    private static partial void LogParentGone(ILogger logger, int parentId);
}
