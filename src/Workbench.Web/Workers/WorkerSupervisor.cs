using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Workers;

/// <summary>
/// Runs the local worker as a child process and restarts it whenever it ends. A native crash in llama.cpp ends
/// only the worker; the dashboard keeps serving. A crash while a model was loading or loaded is that model's:
/// it goes to the <see cref="ModelCrashLedger"/> and the worker restarts at once for everyone else. Only crashes
/// with no model in play (a worker that cannot start) back off with growing delays.
/// </summary>
public sealed partial class WorkerSupervisor(
    IOptions<WorkerSupervisorOptions> options,
    IOptions<WorkbenchOptions> workbench,
    IOptionsMonitor<RuntimeOptions> runtime,
    IServer server,
    Workbench.Web.Security.WorkerSecret secret,
    DataFolderHealth dataFolder,
    WorkerRegistry registry,
    FleetView fleet,
    ModelCrashLedger crashes,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<WorkerSupervisor> logger) : BackgroundService
{
    private const int TailLines = 40;
    private readonly Queue<string> _outputTail = new();
    private volatile string? _modelInPlay;

    /// <summary>Raised when <see cref="Status"/> changes.</summary>
    public event Action? Changed;

    /// <summary>The worker process as it is now.</summary>
    public WorkerProcessStatus Status { get; private set; } = new(WorkerProcessState.Starting, null, 0, null);

    /// <summary>The last lines the worker printed, for crash reports.</summary>
    public IReadOnlyList<string> OutputTail
    {
        get
        {
            lock (_outputTail)
            {
                return [.. _outputTail];
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.StartLocalWorker)
        {
            SetStatus(Status with { State = WorkerProcessState.Disabled });
            return;
        }

        // Kestrel's real addresses are known only once the host has started.
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        // Kestrel's graceful shutdown waits for open connections, the worker's among them: end the worker
        // as soon as stopping begins rather than after the server gave up waiting.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        var hubUrl = LocalHubAddress.From(server);
        using var log = new RotatingLogFile(
            Path.Combine(workbench.Value.LogsDirectory, "worker.log"), options.Value.LogFileMaxBytes, options.Value.LogFilesKept, dataFolder, time);
        var delay = options.Value.RestartDelay;
        var restarts = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var startedAt = time.GetTimestamp();
            _modelInPlay = null;
            var exit = await RunOnceAsync(hubUrl, restarts, log, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            var culprit = _modelInPlay;
            if (culprit is not null)
            {
                crashes.RecordCrash(culprit, exit);
            }

            // A worker that ran a while had a fault, not a crash loop; a crash a model caused is that model's
            // (the ledger keeps it from API clients): start again quickly for everyone else.
            delay = culprit is not null || time.GetElapsedTime(startedAt) > TimeSpan.FromMinutes(1)
                ? options.Value.RestartDelay
                : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRestartDelay.Ticks));
            restarts++;
            SetStatus(new WorkerProcessStatus(WorkerProcessState.Crashed, null, restarts, exit));
            LogWorkerExited(logger, exit, delay.TotalSeconds);
            await Task.Delay(delay, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        SetStatus(Status with { State = WorkerProcessState.Stopped, ProcessId = null });
    }

    private async Task<string> RunOnceAsync(Uri hubUrl, int restarts, RotatingLogFile log, CancellationToken stoppingToken)
    {
        SetStatus(new WorkerProcessStatus(WorkerProcessState.Starting, null, restarts, Status.LastExit));
        ProcessStartInfo start;
        try
        {
            start = WorkerLaunchCommand.Create(options.Value, hubUrl, secret.Value, runtime.CurrentValue);
        }
        catch (FileNotFoundException ex)
        {
            return ex.Message;
        }

        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Record(log, e.Data);
        process.ErrorDataReceived += (_, e) => Record(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogWorkerStarted(logger, process.Id, hubUrl);
        SetStatus(new WorkerProcessStatus(WorkerProcessState.Running, process.Id, restarts, Status.LastExit));
        var processId = process.Id;
        void TrackModel() => NoteModelInPlay(processId);
        registry.Changed += TrackModel;
        try
        {
            await process.WaitForExitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            StopProcess(process);
            return "The dashboard stopped.";
        }
        finally
        {
            registry.Changed -= TrackModel;
        }

        if (process.ExitCode == 0)
        {
            _modelInPlay = null; // an orderly exit is no model's fault
        }

        var lastLine = OutputTail.LastOrDefault(line => !string.IsNullOrWhiteSpace(line) && !line.StartsWith("   at ", StringComparison.Ordinal));
        return DescribeExit(process.ExitCode, lastLine);
    }

    /// <summary>
    /// Turns an exit code, and the worker's last words, into a reason. 134 is SIGABRT: llama.cpp's way of
    /// failing, and also how .NET ends on an unhandled exception, so the last line tells which.
    /// </summary>
    internal static string DescribeExit(int exitCode, string? lastLine = null)
    {
        var reason = exitCode switch
        {
            0 => "The worker exited.",
            134 => "The worker aborted (exit code 134, SIGABRT).",
            137 => "The worker was killed (exit code 137, SIGKILL; out of memory?).",
            139 => "The worker crashed with a segmentation fault (exit code 139).",
            _ => $"The worker exited with code {exitCode}.",
        };
        return string.IsNullOrWhiteSpace(lastLine) ? reason : $"{reason} Last output: {lastLine.Trim()}";
    }

    /// <summary>Remembers the model the local worker is loading or holds, so a crash can be put down to it.</summary>
    private void NoteModelInPlay(int processId)
    {
        if (registry.Workers.FirstOrDefault(w => w.Registration.ProcessId == processId) is { } worker)
        {
            _modelInPlay = worker.Loading?.ModelPath ?? worker.LoadedModel?.ModelPath;
        }
    }

    private void Record(RotatingLogFile log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
            log.WriteLine(line);
            _outputTail.Enqueue(line);
            while (_outputTail.Count > TailLines)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private static void StopProcess(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void SetStatus(WorkerProcessStatus status)
    {
        Status = status;
        fleet.LocalProcessId = status.ProcessId;
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started local worker (pid {ProcessId}) for {HubUrl}")]
    private static partial void LogWorkerStarted(ILogger logger, int processId, Uri hubUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason} Restarting in {DelaySeconds:F1} s")]
    private static partial void LogWorkerExited(ILogger logger, string reason, double delaySeconds);
}
