using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>
/// The dashboard's one door to its workers: loads models and runs generations, routing each
/// worker's streamed chunks to the request that asked for them.
/// </summary>
public sealed partial class WorkerGateway(
    IHubContext<WorkerHub, IWorkerClient> hub,
    WorkerRegistry registry,
    WorkerTurns turns,
    Telemetry.WorkerActivityLog activity,
    Estimation.MeasuredSpeeds speeds,
    ILogger<WorkerGateway> logger)
{
    private readonly ConcurrentDictionary<Guid, PendingGeneration> _pending = new();

    /// <summary>
    /// How long a cancelled load may take to stop: llama.cpp checks between tensors, so even a large model stops
    /// within a second or two; past this the worker is considered stuck and the wait ends with a timeout.
    /// </summary>
    private static readonly TimeSpan CancelledLoadGrace = TimeSpan.FromSeconds(30);

    /// <summary>Asks the chat worker to load a model and waits for the answer.</summary>
    public async Task<ModelLoadResult> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken)
    {
        var worker = registry.PickWorker();
        if (worker is null)
        {
            return ModelLoadResult.Failed("No worker is connected yet. The local worker may still be starting; see its status on the Chat page.");
        }

        // A load waits its turn like a generation, so it never swaps the model under someone's answer.
        await using var turn = await turns.WaitAsync(worker.ConnectionId, cancellationToken);
        return await LoadHoldingTurnAsync(worker.ConnectionId, request, cancellationToken);
    }

    private async Task<ModelLoadResult> LoadHoldingTurnAsync(string connectionId, ModelLoadRequest request, CancellationToken cancellationToken)
    {
        registry.StartLoading(connectionId, request.ModelPath);
        using var loading = activity.Begin(HostOf(connectionId), Telemetry.WorkerActivity.Loading);
        var client = hub.Clients.Client(connectionId);
        var loadId = request.LoadId ?? Guid.NewGuid();
        var answer = client.LoadModel(request with { LoadId = loadId });
        ModelLoadResult result;
        try
        {
            result = await answer.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop the worker too, and hold the turn until it answers, so nobody is handed a worker still loading.
            await SettleCancelledLoadAsync(client, connectionId, loadId, answer);
            throw;
        }

        registry.SetLoadedModel(connectionId, result.Succeeded ? result : null);
        return result;
    }

    private async Task SettleCancelledLoadAsync(IWorkerClient client, string connectionId, Guid loadId, Task<ModelLoadResult> answer)
    {
        try
        {
            await client.CancelLoad(loadId);
            var settled = await answer.WaitAsync(CancelledLoadGrace, CancellationToken.None);
            registry.SetLoadedModel(connectionId, settled.Succeeded ? settled : null);
        }
        catch (Exception ex) when (ex is IOException or HubException or InvalidOperationException or TimeoutException)
        {
            // The worker went away or did not stop: what it holds is unknown, so the dashboard shows nothing loaded.
            LogCancelledLoadUnsettled(logger, ex, connectionId);
            registry.SetLoadedModel(connectionId, null);
        }
    }

    private async Task<ModelLoadResult> LoadWithinTurnAsync(string connectionId, ModelLoadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadHoldingTurnAsync(connectionId, request, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or HubException or OperationCanceledException)
        {
            registry.SetLoadedModel(connectionId, null);
            return ModelLoadResult.Failed($"Loading {Path.GetFileName(request.ModelPath)} stopped: {ex.Message}");
        }
    }

    /// <summary>An unload asked for by a person (the Overview page): only the owner may free the shared GPU.</summary>
    /// <exception cref="Security.OwnerOnlyException"><paramref name="caller"/> is not the owner.</exception>
    public Task<bool> UnloadModelAsync(System.Security.Claims.ClaimsPrincipal caller, string connectionId, CancellationToken cancellationToken)
    {
        Security.OwnerOnly.Demand(caller, "unload a model");
        return UnloadModelAsync(connectionId, cancellationToken);
    }

    /// <summary>Unloads the model of a worker (after any answer in progress) so its memory is free for other apps.</summary>
    public async Task<bool> UnloadModelAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (registry.Find(connectionId) is null)
        {
            return false;
        }

        await using var turn = await turns.WaitAsync(connectionId, cancellationToken);
        var unloaded = await hub.Clients.Client(connectionId).UnloadModel().WaitAsync(cancellationToken);
        registry.SetLoadedModel(connectionId, null);
        return unloaded;
    }

    /// <summary>
    /// Streams a generation from the chat worker. The stream always ends with a chunk that carries the
    /// completion. Cancelling <paramref name="cancellationToken"/> asks the worker to stop, and the
    /// stream then ends with a cancelled completion.
    /// </summary>
    public IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
        GenerateAsync(request, null, cancellationToken);

    /// <summary>
    /// Whether answering with <paramref name="wanted"/> means loading: another model is loaded, or this one with a
    /// smaller context than asked for. A larger context already loaded serves a smaller request as it is, so chat and
    /// API clients asking for different sizes do not reload the model back and forth.
    /// </summary>
    public static bool NeedsLoad(ModelLoadResult? loaded, ModelLoadRequest wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return loaded?.ModelPath != wanted.ModelPath || loaded.ContextSize < wanted.ContextSize;
    }

    /// <summary>
    /// Streams a generation with the model <paramref name="model"/> names: when the worker holds another, it is
    /// loaded first within the same turn, so no other request can swap the model between the load and the answer.
    /// </summary>
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(
        GenerationRequest request,
        ModelLoadRequest? model,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var worker = registry.PickWorker();
        if (worker is null)
        {
            yield return GenerationChunk.Final(GenerationCompletion.Failure("No worker is connected."));
            yield break;
        }

        IAsyncDisposable turn;
        try
        {
            turn = await turns.WaitAsync(worker.ConnectionId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            turn = NoTurn.Instance;
        }

        await using var heldTurn = turn;
        if (turn == NoTurn.Instance)
        {
            yield return GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, 0, 0, 0));
            yield break;
        }

        if (model is not null && NeedsLoad(registry.Find(worker.ConnectionId)?.LoadedModel, model)
            && await LoadWithinTurnAsync(worker.ConnectionId, model, cancellationToken) is { Succeeded: false } failed)
        {
            yield return GenerationChunk.Final(GenerationCompletion.Failure(failed.Error ?? "The model could not be loaded."));
            yield break;
        }

        var client = hub.Clients.Client(worker.ConnectionId);
        var pending = new PendingGeneration(worker.ConnectionId);
        _pending[request.RequestId] = pending;
        var finished = false;
        IDisposable? prompt = null;
        IDisposable? generating = null;
        try
        {
            prompt = activity.Begin(worker.Registration.HostName, Telemetry.WorkerActivity.Prompt);
            await client.StartGeneration(request);
            await using var cancelRegistration = cancellationToken.Register(() => _ = CancelOnWorkerAsync(client, request.RequestId));
            await foreach (var chunk in pending.Chunks.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (generating is null && chunk.TokenCount > 0)
                {
                    prompt.Dispose();
                    generating = activity.Begin(worker.Registration.HostName, Telemetry.WorkerActivity.Generating);
                }

                finished = chunk.Completion is not null;
                if (chunk.Completion is { } done && registry.Find(worker.ConnectionId)?.LoadedModel?.ModelPath is { } modelPath)
                {
                    speeds.Record(worker.Registration.HostName, modelPath, done);
                }

                yield return chunk;
                if (finished)
                {
                    yield break;
                }
            }

            // Completed without a final chunk: the worker went away while the buffer was full.
            finished = true;
            yield return GenerationChunk.Final(GenerationCompletion.Failure("The worker stopped answering."));
        }
        finally
        {
            prompt?.Dispose();
            generating?.Dispose();
            _pending.TryRemove(request.RequestId, out _);
            pending.Chunks.Writer.TryComplete();
            if (!finished)
            {
                // The reader left early (closed tab, stopped enumeration): the worker must not keep going.
                _ = CancelOnWorkerAsync(client, request.RequestId);
            }
        }
    }

    private string HostOf(string connectionId) => registry.Find(connectionId)?.Registration.HostName ?? connectionId;

    /// <summary>Called by the hub for a worker's upload: hands each chunk to the waiting request.</summary>
    internal async Task AcceptStreamAsync(string connectionId, Guid requestId, IAsyncEnumerable<GenerationChunk> chunks, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(requestId, out var pending) || pending.ConnectionId != connectionId)
        {
            LogUnknownStream(logger, requestId, connectionId);
            return;
        }

        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                // Bounded: a slow reader slows the worker's upload rather than growing memory.
                await pending.Chunks.Writer.WriteAsync(chunk, cancellationToken);
            }
        }
        catch (ChannelClosedException)
        {
            // The reader is gone; the rest of the answer has nowhere to go.
        }
    }

    /// <summary>Ends every generation a lost worker was serving with a failure the user can read.</summary>
    internal void FailPendingOf(string connectionId, string reason)
    {
        foreach (var pending in _pending.Values.Where(p => p.ConnectionId == connectionId))
        {
            pending.Chunks.Writer.TryWrite(GenerationChunk.Final(GenerationCompletion.Failure(reason)));
            pending.Chunks.Writer.TryComplete();
        }
    }

    private async Task CancelOnWorkerAsync(IWorkerClient client, Guid requestId)
    {
        try
        {
            await client.CancelGeneration(requestId);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or HubException)
        {
            LogCancelFailed(logger, ex, requestId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring stream {RequestId} from {ConnectionId}: no such request is waiting")]
    private static partial void LogUnknownStream(ILogger logger, Guid requestId, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the worker to cancel {RequestId}")]
    private static partial void LogCancelFailed(ILogger logger, Exception exception, Guid requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cancelled load on {ConnectionId} did not settle; showing no model loaded")]
    private static partial void LogCancelledLoadUnsettled(ILogger logger, Exception exception, string connectionId);

    /// <summary>Stands for a turn that was never granted (cancelled while waiting).</summary>
    private sealed class NoTurn : IAsyncDisposable
    {
        public static readonly NoTurn Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class PendingGeneration(string connectionId)
    {
        public string ConnectionId { get; } = connectionId;

        public Channel<GenerationChunk> Chunks { get; } = Channel.CreateBounded<GenerationChunk>(
            new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }
}
