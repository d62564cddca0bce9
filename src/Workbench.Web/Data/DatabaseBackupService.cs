using Microsoft.Data.Sqlite;

namespace Workbench.Web.Data;

/// <summary>Backs up the database at start-up (once it passed its check) and then daily; see <see cref="DatabaseBackups"/>.</summary>
public sealed partial class DatabaseBackupService(
    WorkbenchDatabase database, DataFolderHealth dataFolder, TimeProvider time, ILogger<DatabaseBackupService> logger) : BackgroundService
{
    /// <summary>Time between backups.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await BackUpAsync(stoppingToken);
            await Task.Delay(Interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Takes one backup now; a failure (disk full) is reported, never thrown.</summary>
    public async Task BackUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var file = await Task.Run(() => database.Backups.Create(connection, time.GetUtcNow()), cancellationToken);
            LogBackedUp(logger, file);
        }
        catch (Exception e) when (DiskFault.IsDiskFault(e))
        {
            dataFolder.Failed(DataFolderWriter.Conversations, e);
            LogBackupFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database backed up to {File}")]
    private static partial void LogBackedUp(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database backup failed: {Reason}")]
    private static partial void LogBackupFailed(ILogger logger, string reason);
}
