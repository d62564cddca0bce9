using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Workbench.Core.Hub;
using Workbench.Web.Library;
using Workbench.Web.Security;

namespace Workbench.Web.Hub;

/// <summary>
/// Downloads hub files into a model folder in the background: each file streams into a hidden ".part" file the library
/// never indexes, resumes by Range after a dropped connection or a restart, is checked against the SHA-256 the hub
/// lists, and only then gets its final name; the library is rescanned at once. Disk space is checked before a download
/// starts and while it writes, and at most <see cref="HuggingFaceOptions.MaxConcurrentDownloads"/> run together.
/// </summary>
public sealed partial class DownloadService(
    DownloadStore store,
    HubClientFactory clients,
    HubRepositoryReader reader,
    DownloadTargets targets,
    LibraryScanService scanner,
    IOptions<HuggingFaceOptions> options,
    TimeProvider time,
    ILogger<DownloadService> logger) : BackgroundService
{
    private const int Attempts = 6;
    private const long DiskCheckEvery = 64L * 1024 * 1024;
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised when a download starts, moves on or ends (often while bytes arrive: subscribers throttle).</summary>
    public event Action? Changed;

    private long ReserveBytes => options.Value.DiskReserveMiB * 1024 * 1024;

    /// <summary>Every download with its progress, newest first.</summary>
    public IReadOnlyList<DownloadProgress> List() =>
        [.. _jobs.Values.Select(j => j.Progress(time)).OrderByDescending(p => p.Download.CreatedAt)];

    /// <summary>Queues the download of one row of a repository; only the owner may.</summary>
    public async Task<DownloadStart> StartAsync(ClaimsPrincipal caller, string repoText, string? revision, string name, string? targetPath, CancellationToken cancellationToken)
    {
        OwnerOnly.Demand(caller, "download models");
        await _loaded.Task.WaitAsync(cancellationToken);
        if (!HubRepoId.TryParse(repoText, out var repo, out var invalid))
        {
            return DownloadStart.Refused(StatusCodes.Status400BadRequest, invalid);
        }

        if (revision is not null && !HubRepoId.IsValidRevision(revision))
        {
            return DownloadStart.Refused(StatusCodes.Status400BadRequest, $"revision '{revision}' is not a branch, tag or commit name.");
        }

        if (await targets.ResolveAsync(targetPath, cancellationToken) is not { } target)
        {
            return DownloadStart.Refused(StatusCodes.Status400BadRequest, $"target '{targetPath}' is not one of the model folders.");
        }

        if (!target.Writable)
        {
            return DownloadStart.Refused(StatusCodes.Status400BadRequest, $"{target.Path} is read-only here; choose another model folder or add a writable one on the Settings page.");
        }

        HubRepository repository;
        try
        {
            repository = await reader.ReadAsync(caller, repo, revision, cancellationToken);
        }
        catch (HubException e)
        {
            return DownloadStart.Refused(e.StatusCode == HttpStatusCode.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway, e.Message);
        }

        if (repository.Rows.FirstOrDefault(r => r.Set.Name == name && r.Revision == repository.Revision) is not { } row)
        {
            return DownloadStart.Refused(StatusCodes.Status404NotFound, $"{repo} at {repository.Revision} has no file, split set or folder named '{name}'.");
        }

        if (row.Set.Problem is { } problem)
        {
            return DownloadStart.Refused(StatusCodes.Status422UnprocessableEntity, problem);
        }

        var folderName = row.Set.Kind == HubFileSetKind.SafetensorsFolder && repository.Revision != "main"
            ? $"{repo.Name}-{string.Concat(repository.Revision.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'))}"
            : repo.Name;
        var record = new DownloadRecord(
            Guid.NewGuid().ToString("N")[..12],
            repo.ToString(),
            repository.Revision,
            repository.Commit,
            row.Set.Name,
            row.Set.Kind,
            [.. row.Set.Files.Select(f => new DownloadFile(f.Path, f.Size, f.Sha256))],
            target.Path,
            Path.Combine(target.Path, repo.Owner, folderName),
            DownloadState.Queued,
            null,
            time.GetUtcNow(),
            null);

        if (record.IsFolder ? Directory.Exists(record.Destination) : record.Files.Any(f => File.Exists(record.FinalPath(f))))
        {
            return DownloadStart.Refused(StatusCodes.Status409Conflict, $"{record.Name} is already in {record.Destination}.");
        }

        if (_jobs.Values.Any(j => j.Record.State is DownloadState.Queued or DownloadState.Running && j.Record.Destination == record.Destination && j.Record.Name == record.Name))
        {
            return DownloadStart.Refused(StatusCodes.Status409Conflict, $"{record.Name} is already being downloaded.");
        }

        if (targets.FreeBytes(target.Path) is { } free && free < record.TotalBytes + ReserveBytes)
        {
            return DownloadStart.Refused(StatusCodes.Status507InsufficientStorage,
                $"{record.Name} needs {Bytes(record.TotalBytes)} and {Bytes(ReserveBytes)} are kept free, but {target.Path} has {Bytes(free)} free. Nothing was written.");
        }

        var job = new Job(record);
        _jobs[record.Id] = job;
        await store.SaveAsync(record, cancellationToken);
        _queue.Writer.TryWrite(job);
        Changed?.Invoke();
        return new DownloadStart(job.Progress(time), StatusCodes.Status202Accepted, null);
    }

    /// <summary>Cancels a download and removes its temporary files; only the owner may. False when there is no such download.</summary>
    public async Task<bool> CancelAsync(ClaimsPrincipal caller, string id)
    {
        OwnerOnly.Demand(caller, "cancel downloads");
        if (!_jobs.TryGetValue(id, out var job))
        {
            return false;
        }

        if (job.Record.State is DownloadState.Queued or DownloadState.Running)
        {
            job.CancelledByOwner = true;
            await job.Cancellation.CancelAsync();
            // A queued one never starts; a running one ends at its next read. Either way its files go now.
            if (job.Record.State == DownloadState.Queued || job.Worker is null)
            {
                await EndAsync(job, DownloadState.Cancelled, null);
            }
            else
            {
                await job.Worker;
            }
        }

        return true;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var record in await store.LoadAsync(stoppingToken))
            {
                var job = new Job(record);
                _jobs[record.Id] = job;
                if (record.State is DownloadState.Queued or DownloadState.Running)
                {
                    _queue.Writer.TryWrite(job);
                }
            }
        }
        finally
        {
            _loaded.TrySetResult();
        }

        Changed?.Invoke();
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentDownloads);
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    continue;
                }

                await slots.WaitAsync(stoppingToken);
                var worker = RunAsync(job, stoppingToken).ContinueWith(_ => slots.Release(), TaskScheduler.Default);
                job.Worker = worker;
                _running[worker] = true;
                _ = worker.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        finally
        {
            // Temporary files are closed before the host goes, so a restart resumes from them.
            await Task.WhenAll(_running.Keys);
        }
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.Cancellation.Token);
        var cancellationToken = linked.Token;
        try
        {
            job.Record = job.Record with { State = DownloadState.Running };
            await store.SaveAsync(job.Record, CancellationToken.None);
            Changed?.Invoke();
            var client = clients.Create();
            long before = 0;
            foreach (var file in job.Record.Files)
            {
                job.FileBase = before;
                await DownloadFileAsync(client, job, file, cancellationToken);
                before += file.Size;
            }

            Publish(job.Record);
            await EndAsync(job, DownloadState.Completed, null);
            scanner.RequestRescan();
        }
        catch (Exception) when (job.CancelledByOwner)
        {
            await EndAsync(job, DownloadState.Cancelled, null);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The dashboard is stopping: the temporary files stay, and the next start resumes from them.
        }
        catch (Exception e) when (e is DownloadException or HubException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            LogFailed(logger, job.Record.Name, e);
            await EndAsync(job, DownloadState.Failed, e.Message);
        }
    }

    private async Task DownloadFileAsync(HubClient client, Job job, DownloadFile file, CancellationToken cancellationToken)
    {
        var record = job.Record;
        var temporary = record.TemporaryPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
        var have = File.Exists(temporary) ? new FileInfo(temporary).Length : 0;
        if (have > file.Size)
        {
            File.Delete(temporary);
            have = 0;
        }

        job.Current = have;
        var repo = HubRepoId.Parse(record.Repo);
        for (var attempt = 1; have < file.Size; attempt++)
        {
            CheckDisk(job);
            try
            {
                have = await ReceiveAsync(client, repo, job, file, temporary, have, cancellationToken);
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                have = File.Exists(temporary) ? new FileInfo(temporary).Length : 0;
                job.Current = have;
                LogRetry(logger, file.Path, have, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << (attempt - 1))), time, cancellationToken);
            }
        }

        await VerifyAsync(file, temporary, cancellationToken);
    }

    /// <summary>Appends the rest of the file from <paramref name="have"/> on; answers the bytes now on disk.</summary>
    private async Task<long> ReceiveAsync(HubClient client, HubRepoId repo, Job job, DownloadFile file, string temporary, long have, CancellationToken cancellationToken)
    {
        using var response = await client.OpenFileAsync(repo, job.Record.Commit, file.Path, have, cancellationToken);
        if (have > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            // The server sent the whole file instead of the rest: start over.
            have = 0;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(temporary, have == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 20];
        var sinceDiskCheck = 0L;
        while (true)
        {
            int read;
            // A connection that stays open but sends nothing is as good as dropped: resume on a new one.
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(StallLimit);
            try
            {
                read = await body.ReadAsync(buffer, stall.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new TransientException($"the connection dropped after {have:N0} of {file.Size:N0} bytes of {file.Path}", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransientException($"no bytes of {file.Path} arrived for {StallLimit.TotalSeconds:F0} s after {have:N0} of {file.Size:N0}", e);
            }

            if (read == 0)
            {
                break;
            }

            if (have + read > file.Size)
            {
                throw new DownloadException($"{file.Path}: the server sent more than the {file.Size:N0} bytes the hub lists; the file was deleted.");
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            client.CountReceived(read);
            have += read;
            job.Current = have;
            job.Sample(time);
            Changed?.Invoke();
            sinceDiskCheck += read;
            if (sinceDiskCheck >= DiskCheckEvery)
            {
                await output.FlushAsync(cancellationToken);
                CheckDisk(job);
                sinceDiskCheck = 0;
            }
        }

        return have < file.Size
            ? throw new TransientException($"the connection closed after {have:N0} of {file.Size:N0} bytes of {file.Path}")
            : have;
    }

    /// <summary>The whole file against the SHA-256 the hub lists; a mismatch deletes it.</summary>
    private static async Task VerifyAsync(DownloadFile file, string temporary, CancellationToken cancellationToken)
    {
        var length = new FileInfo(temporary).Length;
        if (length != file.Size)
        {
            File.Delete(temporary);
            throw new DownloadException($"{file.Path}: {length:N0} bytes arrived where the hub lists {file.Size:N0}; the file was deleted.");
        }

        if (file.Sha256 is not { } expected)
        {
            return;
        }

        string actual;
        await using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(temporary);
            throw new DownloadException(
                $"{file.Path}: its SHA-256 is {actual}, but the hub lists {expected}. The file was deleted and nothing was added to the library.");
        }
    }

    /// <summary>Gives the verified files their final names: one by one, or the staging folder at once.</summary>
    private static void Publish(DownloadRecord record)
    {
        if (record.IsFolder)
        {
            Directory.Move(record.StagingFolder, record.Destination);
            return;
        }

        foreach (var file in record.Files)
        {
            File.Move(record.TemporaryPath(file), record.FinalPath(file), overwrite: false);
        }
    }

    private void CheckDisk(Job job)
    {
        var remaining = job.Record.TotalBytes - job.Done;
        if (targets.FreeBytes(job.Record.Target) is { } free && free < remaining + ReserveBytes)
        {
            throw new DownloadException(
                $"The disk of {job.Record.Target} has {Bytes(free)} free; {Bytes(remaining)} more are needed and {Bytes(ReserveBytes)} are kept free. The download stopped and its temporary files were deleted.");
        }
    }

    private async Task EndAsync(Job job, DownloadState state, string? error)
    {
        if (state != DownloadState.Completed)
        {
            DeleteTemporaryFiles(job.Record);
        }

        job.Record = job.Record with { State = state, Error = error, FinishedAt = time.GetUtcNow() };
        job.Current = 0;
        await store.SaveAsync(job.Record, CancellationToken.None);
        Changed?.Invoke();
    }

    private static void DeleteTemporaryFiles(DownloadRecord record)
    {
        try
        {
            if (record.IsFolder)
            {
                if (Directory.Exists(record.StagingFolder))
                {
                    Directory.Delete(record.StagingFolder, recursive: true);
                }

                return;
            }

            foreach (var file in record.Files)
            {
                File.Delete(record.TemporaryPath(file));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden ".part" file is never indexed; it goes with the folder.
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        TransientException => true,
        HttpRequestException => true,
        HubException hub => hub.StatusCode is null or >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static string Bytes(long bytes) => ModelDisplay.Bytes(bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download of {Name} failed")]
    private static partial void LogFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Download of {Path}: {Reason}; resuming from byte {Offset}")]
    private static partial void LogRetry(ILogger logger, string path, long offset, string reason);

    /// <summary>A dropped connection: the download resumes from what is on disk.</summary>
    private sealed class TransientException(string message, Exception? inner = null) : IOException(message, inner);

    /// <summary>A download and its live progress.</summary>
    private sealed class Job(DownloadRecord record)
    {
        private readonly Queue<(long At, long Bytes)> _samples = new();
        private long _current;

        public DownloadRecord Record { get; set; } = record;

        public CancellationTokenSource Cancellation { get; } = new();

        public bool CancelledByOwner { get; set; }

        public Task? Worker { get; set; }

        /// <summary>Bytes of the files before the current one.</summary>
        public long FileBase { get; set; }

        /// <summary>Bytes of the current file on disk.</summary>
        public long Current
        {
            get => Interlocked.Read(ref _current);
            set => Interlocked.Exchange(ref _current, value);
        }

        public long Done => Record.State == DownloadState.Completed ? Record.TotalBytes : FileBase + Current;

        public void Sample(TimeProvider time)
        {
            lock (_samples)
            {
                var now = time.GetTimestamp();
                _samples.Enqueue((now, Done));
                while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().At, now) > TimeSpan.FromSeconds(5))
                {
                    _samples.Dequeue();
                }
            }
        }

        public DownloadProgress Progress(TimeProvider time)
        {
            double speed = 0;
            lock (_samples)
            {
                if (Record.State == DownloadState.Running && _samples.Count >= 2)
                {
                    var (firstAt, firstBytes) = _samples.Peek();
                    var seconds = time.GetElapsedTime(firstAt).TotalSeconds;
                    speed = seconds > 0 ? (Done - firstBytes) / seconds : 0;
                }
            }

            var done = Done;
            return new DownloadProgress(Record, done, speed, speed > 0 ? (Record.TotalBytes - done) / speed : null);
        }
    }
}
