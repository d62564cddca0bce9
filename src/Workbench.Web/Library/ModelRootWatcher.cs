using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>
/// Watches the model roots and asks for a rescan shortly after files stop changing, so a finished
/// download or a deleted model shows up without pressing Rescan. The rescan itself is incremental.
/// </summary>
public sealed partial class ModelRootWatcher(
    ModelRootCatalog roots,
    LibraryScanService scanner,
    TimeProvider time,
    ILogger<ModelRootWatcher> logger) : BackgroundService
{
    /// <summary>Quiet time after the last change before rescanning: a download writes for minutes.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private List<FileSystemWatcher> _watchers = [];
    private ITimer? _settle;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _settle = time.CreateTimer(_ => scanner.RequestRescan(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        roots.Changed += OnRootsChanged;
        try
        {
            Watch(await roots.ScanRootsAsync(stoppingToken));
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            roots.Changed -= OnRootsChanged;
            Watch([]);
            _settle.Dispose();
        }
    }

    private async void OnRootsChanged()
    {
        try
        {
            Watch(await roots.ScanRootsAsync());
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogWatchFailed(logger, ex, "(roots)");
        }
    }

    private void Watch(IReadOnlyList<ModelStoreRoot> folders)
    {
        var watchers = new List<FileSystemWatcher>();
        foreach (var folder in folders)
        {
            try
            {
                var watcher = new FileSystemWatcher(folder.Path)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
                };
                watcher.Created += OnChange;
                watcher.Deleted += OnChange;
                watcher.Renamed += OnChange;
                watcher.Changed += OnChange;
                // Too many changes at once (or the OS limit on watches): a rescan finds everything anyway.
                watcher.Error += (_, _) => OnChange(this, new FileSystemEventArgs(WatcherChangeTypes.All, folder.Path, null));
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                LogWatchFailed(logger, ex, folder.Path);
            }
        }

        List<FileSystemWatcher> old;
        lock (_gate)
        {
            old = _watchers;
            _watchers = watchers;
        }

        foreach (var watcher in old)
        {
            watcher.Dispose();
        }
    }

    // Every change pushes the rescan back until the folder has been quiet for Settle.
    private void OnChange(object sender, FileSystemEventArgs e) => _settle?.Change(Settle, Timeout.InfiniteTimeSpan);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Folder} for new models; use Rescan instead")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string folder);
}
