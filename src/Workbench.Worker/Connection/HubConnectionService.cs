using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Worker.Hosting;
using Workbench.Worker.Probes;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Connection;

/// <summary>
/// Keeps this worker connected to the dashboard's hub, registers it after every (re)connect and
/// turns the hub's calls into model runtime work.
/// </summary>
internal sealed partial class HubConnectionService(
    IOptions<WorkerOptions> options,
    ModelRuntime runtime,
    GenerationRegistry generations,
    NativeBackend backend,
    HardwareSnapshotReader hardware,
    WorkerHubLink link,
    Library.WorkerModelInventory models,
    IHostApplicationLifetime lifetime,
    ILogger<HubConnectionService> logger) : BackgroundService
{
    private static readonly string WorkerId = Guid.NewGuid().ToString("N");
    private static readonly TimeSpan[] ReconnectDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(options.Value.HubUrl, http =>
            {
                if (options.Value.Secret is { Length: > 0 } secret)
                {
                    http.Headers[WorkerHubMethods.SecretHeader] = secret;
                }
            })
            .WithAutomaticReconnect(new ForeverRetryPolicy(ReconnectDelays))
            .Build();

        connection.On<ModelLoadRequest, ModelLoadResult>(nameof(IWorkerClient.LoadModel),
            request => runtime.LoadAsync(request, new ThrottledLoadProgress(connection, request.ModelPath, TimeProvider.System), stoppingToken));
        connection.On<string?, bool>(nameof(IWorkerClient.UnloadModel),
            modelPath => modelPath is null ? runtime.UnloadAsync(stoppingToken) : runtime.UnloadAsync(modelPath, stoppingToken));
        connection.On<EmbeddingRequest, EmbeddingResult>(nameof(IWorkerClient.Embed), request => runtime.EmbedAsync(request, stoppingToken));
        connection.On<Guid>(nameof(IWorkerClient.CancelLoad), loadId =>
        {
            // Runs beside the LoadModel handler: the client does not wait for a client-result handler before the next message.
            runtime.CancelLoad(loadId);
            return Task.CompletedTask;
        });
        connection.On<GenerationRequest>(nameof(IWorkerClient.StartGeneration),
            request => StartGeneration(connection, request, stoppingToken));
        connection.On<Guid>(nameof(IWorkerClient.CancelGeneration), requestId =>
        {
            generations.Cancel(requestId);
            return Task.CompletedTask;
        });
        connection.On(nameof(IWorkerClient.RefreshHardware), () =>
        {
            // Not awaited: a handler that invoked the hub and waited for the answer would block the receive loop.
            _ = RefreshHardwareAsync(connection, stoppingToken);
            return Task.CompletedTask;
        });
        connection.On<string>(nameof(IWorkerClient.Retire), reason =>
        {
            Stop(reason);
            return Task.CompletedTask;
        });
        connection.Reconnected += async _ =>
        {
            try
            {
                await RegisterAsync(connection, stoppingToken);
            }
            catch (HubException ex)
            {
                // Refused (retired, or another protocol version): stop rather than stay connected unregistered.
                Stop(ex.Message);
            }
        };
        connection.Reconnecting += _ =>
        {
            // Nobody is listening to these answers any more.
            generations.CancelAll();
            return Task.CompletedTask;
        };

        link.Attach(connection);
        await ConnectAsync(connection, stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            generations.CancelAll();
        }
        finally
        {
            link.Attach(null);
        }
    }

    private async Task ConnectAsync(HubConnection connection, CancellationToken stoppingToken)
    {
        // The first connect is not covered by automatic reconnect: retry until the dashboard is up.
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await connection.StartAsync(stoppingToken);
                await RegisterAsync(connection, stoppingToken);
                return;
            }
            catch (HttpRequestException ex)
            {
                LogConnectFailed(logger, options.Value.HubUrl, ex.Message);
                await Task.Delay(ReconnectDelays[Math.Min(attempt + 1, ReconnectDelays.Length - 1)], stoppingToken);
            }
        }
    }

    private void Stop(string reason)
    {
        LogStopping(logger, reason);
        lifetime.StopApplication();
    }

    private async Task RegisterAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        var version = typeof(HubConnectionService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var registration = new WorkerRegistration(
            WorkerId, options.Value.DisplayName, Environment.ProcessId, backend.BuildBackend, version, runtime.LoadedModelPath, WorkerProtocol.Version);
        await connection.InvokeAsync(WorkerHubMethods.Register, registration, cancellationToken);
        LogRegistered(logger, options.Value.HubUrl);
        // Read after registering: the first GPU read may load NVML or start nvidia-smi, which takes a moment.
        await ReportHardwareAsync(connection, cancellationToken);
        if (models.HasRoots)
        {
            // Not awaited: a large folder takes a while to read, and registration must not wait for it.
            _ = ReportModelsAsync(connection, cancellationToken);
        }
    }

    private async Task ReportModelsAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var files = await Task.Run(() => models.Read(cancellationToken), cancellationToken);
            await connection.InvokeAsync(WorkerHubMethods.ReportModelList, files.Select(f => f.Model.PrimaryPath).ToList(), cancellationToken);
            foreach (var file in files)
            {
                // One message each: a model's tensor table can be large, and the hub bounds every message.
                await connection.InvokeAsync(WorkerHubMethods.ReportModel, file, cancellationToken);
            }

            LogModelsReported(logger, files.Count);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException or HubException)
        {
            // Sent again after the next registration.
            LogModelsNotReported(logger, ex.Message);
        }
    }

    private async Task ReportHardwareAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        var modelRoots = await GetModelRootsAsync(connection, cancellationToken);
        var snapshot = await Task.Run(() => hardware.Read(ReportedDiskPaths.For(modelRoots), backend.BuildBackend), cancellationToken);
        // The worker's chosen name, so two workers on one machine stay apart on the dashboard.
        snapshot = snapshot with
        {
            HostName = options.Value.DisplayName,
            Software = snapshot.Software with { SupportsRpc = backend.SupportsRpc() },
        };
        await connection.InvokeAsync(WorkerHubMethods.ReportHardware, snapshot, cancellationToken);
    }

    private async Task RefreshHardwareAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await ReportHardwareAsync(connection, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException or HubException)
        {
            // The next registration reports the hardware again.
            LogRefreshFailed(logger, ex.Message);
        }
    }

    private async Task<IReadOnlyList<string>> GetModelRootsAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.InvokeAsync<IReadOnlyList<string>>(WorkerHubMethods.GetModelRoots, cancellationToken);
        }
        catch (HubException ex)
        {
            // A dashboard from before model roots were shared: report the worker's own disks only.
            LogNoModelRoots(logger, ex.Message);
            return [];
        }
    }

    private Task StartGeneration(HubConnection connection, GenerationRequest request, CancellationToken stoppingToken)
    {
        LogGenerationStarted(logger, request.RequestId);
        var cancellation = generations.Start(request.RequestId, stoppingToken);
        var chunks = FinishWhenDone(request.RequestId, runtime.GenerateAsync(request, cancellation.Token), CancellationToken.None);
        _ = UploadAsync(connection, request.RequestId, chunks);
        return Task.CompletedTask;
    }

    // SignalR reads the stream in the background after SendAsync returns; the generation ends when it stops reading.
    private async IAsyncEnumerable<GenerationChunk> FinishWhenDone(
        Guid requestId, IAsyncEnumerable<GenerationChunk> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                yield return chunk;
            }
        }
        finally
        {
            generations.Finish(requestId);
        }
    }

    private async Task UploadAsync(HubConnection connection, Guid requestId, IAsyncEnumerable<GenerationChunk> chunks)
    {
        try
        {
            // Client-to-server streaming: the hub reads this as the worker produces it.
            await connection.SendAsync(WorkerHubMethods.StreamGeneration, requestId, chunks);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
        {
            // The stream was never read, so nothing started; forget the request.
            LogUploadFailed(logger, ex, requestId);
            generations.Finish(requestId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the dashboard at {HubUrl} yet: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string hubUrl, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting the hardware again failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard did not list its model folders: {Reason}")]
    private static partial void LogNoModelRoots(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generation {RequestId} started")]
    private static partial void LogGenerationStarted(ILogger logger, Guid requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reported {Count} models from this machine's model folders")]
    private static partial void LogModelsReported(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report this machine's models: {Reason}")]
    private static partial void LogModelsNotReported(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard sent this worker away, stopping: {Reason}")]
    private static partial void LogStopping(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the dashboard at {HubUrl}")]
    private static partial void LogRegistered(ILogger logger, string hubUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Streaming generation {RequestId} to the dashboard failed")]
    private static partial void LogUploadFailed(ILogger logger, Exception exception, Guid requestId);

    /// <summary>Retries for as long as the worker runs, with the last delay repeated.</summary>
    private sealed class ForeverRetryPolicy(TimeSpan[] delays) : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            delays[(int)Math.Min(retryContext.PreviousRetryCount, delays.Length - 1)];
    }
}
