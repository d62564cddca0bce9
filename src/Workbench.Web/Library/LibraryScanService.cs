using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Workbench.Core.Library;
using Workbench.Web.Hosting;

namespace Workbench.Web.Library;

/// <summary>
/// Scans the model roots and the stores of other tools in the background: at start-up and on request.
/// Models whose files did not change (same fingerprint) are taken from the index without parsing.
/// One bad file never stops a scan: special files are not opened (see <see cref="RegularFile"/>), a file whose read
/// fails or stalls (a hung network mount) is listed with the reason, and a root whose listing stalls is skipped.
/// </summary>
public sealed partial class LibraryScanService(
    ModelRootCatalog roots,
    LibraryStore store,
    LibraryIndex index,
    DemoModelProvisioner demoModel,
    TimeProvider time,
    ILogger<LibraryScanService> logger) : BackgroundService
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FileReadLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RootWalkLimit = TimeSpan.FromMinutes(2);
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ModelFileScanner _scanner = new();

    /// <summary>Raised when <see cref="Status"/> changes (throttled while scanning).</summary>
    public event Action? Changed;

    /// <summary>Progress of the current or last scan.</summary>
    public LibraryScanStatus Status { get; private set; } = LibraryScanStatus.Idle;

    /// <summary>Asks for a rescan; a request while one is already queued is merged into it.</summary>
    public void RequestRescan() => _requests.Writer.TryWrite(true);

    /// <summary>A rescan asked for by a person (the Models page, the JSON API): only the owner may.</summary>
    /// <exception cref="Security.OwnerOnlyException"><paramref name="caller"/> is not the owner.</exception>
    public void RequestRescan(System.Security.Claims.ClaimsPrincipal caller)
    {
        Security.OwnerOnly.Demand(caller, "rescan the model library");
        RequestRescan();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        index.Replace(await store.LoadAllAsync(stoppingToken));
        roots.Changed += RequestRescan;
        RequestRescan();
        await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            await ScanAsync(stoppingToken);
        }
    }

    /// <summary>Runs one scan now (the background loop calls this; tests may too).</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var seen = 0;
        var parsed = 0;
        var changedCount = 0;
        var lastReport = time.GetTimestamp();
        Report(new LibraryScanStatus(true, 0, 0, 0, null, started, Status.FinishedAt, null));
        try
        {
            // The demo model must exist before the generated-models folder is scanned.
            await demoModel.EnsureAsync(cancellationToken);
            var known = await store.LoadFingerprintsAsync(cancellationToken);
            var changed = new Dictionary<string, ModelDescriptor>(StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);

            // Walk first (cheap: folder listings and file sizes), so the bar can show parsed of total.
            var candidates = new List<ModelCandidate>();
            foreach (var root in await roots.ScanRootsAsync(cancellationToken))
            {
                foreach (var candidate in await WalkAsync(root, cancellationToken))
                {
                    if (present.Add(candidate.Id))
                    {
                        candidates.Add(candidate);
                        seen++;
                        ReportEvery(ref lastReport, new LibraryScanStatus(true, seen, 0, 0, candidate.PrimaryPath, started, Status.FinishedAt, null));
                    }
                }
            }

            // The total is known now: the bar turns from "looking" to "0 of N" at once, and shows the first file read.
            Report(new LibraryScanStatus(true, seen, 0, 0, null, started, Status.FinishedAt, null));
            foreach (var candidate in candidates)
            {
                if (known.GetValueOrDefault(candidate.Id) != candidate.Fingerprint)
                {
                    changed[candidate.Id] = await DescribeAsync(candidate, cancellationToken);
                    changedCount++;
                }

                parsed++;
                var progress = new LibraryScanStatus(true, seen, parsed, changedCount, candidate.PrimaryPath, started, Status.FinishedAt, null);
                if (parsed == 1)
                {
                    lastReport = time.GetTimestamp();
                    Report(progress);
                }
                else
                {
                    ReportEvery(ref lastReport, progress);
                }
            }

            await store.SaveScanAsync(changed.Values, present, cancellationToken);
            index.Replace(await store.LoadAllAsync(cancellationToken));
            var finished = time.GetUtcNow();
            LogScanned(logger, seen, changedCount, (finished - started).TotalMilliseconds);
            Report(new LibraryScanStatus(false, seen, parsed, changedCount, null, started, finished, null));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Report(Status with { IsScanning = false });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogScanFailed(logger, ex);
            Report(new LibraryScanStatus(false, seen, parsed, changedCount, null, started, time.GetUtcNow(), ex.Message));
        }
    }

    /// <summary>Lists a root's models off the scan's thread, giving up on a root whose folders stop answering.</summary>
    private async Task<IReadOnlyList<ModelCandidate>> WalkAsync(ModelStoreRoot root, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => _scanner.FindCandidates(root, cancellationToken).ToList(), cancellationToken)
                .WaitAsync(RootWalkLimit, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogRootStalled(logger, root.Path, RootWalkLimit.TotalSeconds);
            return [];
        }
    }

    /// <summary>Reads one model's headers; a read that fails unexpectedly or stalls lists the model with the reason.</summary>
    private async Task<ModelDescriptor> DescribeAsync(ModelCandidate candidate, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => ModelFileScanner.Describe(candidate), cancellationToken).WaitAsync(FileReadLimit, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return ModelFileScanner.Unreadable(candidate, $"Reading the file took longer than {FileReadLimit.TotalSeconds:F0} s (a stalled network mount?).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFileFailed(logger, candidate.PrimaryPath, ex);
            return ModelFileScanner.Unreadable(candidate, ex.Message);
        }
    }

    private void ReportEvery(ref long lastReport, LibraryScanStatus status)
    {
        if (time.GetElapsedTime(lastReport) >= ProgressInterval)
        {
            lastReport = time.GetTimestamp();
            Report(status);
        }
    }

    private void Report(LibraryScanStatus status)
    {
        Status = status;
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Library scan: {Seen} models, {Changed} parsed, {Milliseconds:F0} ms")]
    private static partial void LogScanned(ILogger logger, int seen, int changed, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Library scan: listing {Root} took longer than {Seconds:F0} s; skipped this time")]
    private static partial void LogRootStalled(ILogger logger, string root, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Library scan: reading {Path} failed")]
    private static partial void LogFileFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Library scan failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
