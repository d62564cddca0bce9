using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;

namespace Workbench.Web.Workers;

/// <summary>
/// The dashboard's one door to its workers: keeps the right models resident (loading beside the others when they
/// fit, unloading the least recently used idle ones when not), gives each request a slot of its model, and routes
/// each worker's streamed chunks to the request that asked for them.
/// </summary>
public sealed partial class WorkerGateway(
    IHubContext<WorkerHub, IWorkerClient> hub,
    WorkerRegistry registry,
    WorkerTurns turns,
    ModelSlots slots,
    Telemetry.WorkerActivityLog activity,
    MeasuredSpeeds speeds,
    IServiceProvider services,
    IOptionsMonitor<RuntimeOptions> runtime,
    TimeProvider time,
    ILogger<WorkerGateway> logger)
{
    private readonly ConcurrentDictionary<Guid, PendingGeneration> _pending = new();

    // Why the placement chose a worker for a model, kept until the load there succeeds and the resident model shows it.
    private readonly ConcurrentDictionary<(string ConnectionId, string ModelPath), string> _placements = new();

    /// <summary>
    /// How long a cancelled load may take to stop: llama.cpp checks between tensors, so even a large model stops
    /// within a second or two; past this the worker is considered stuck and the wait ends with a timeout.
    /// </summary>
    private static readonly TimeSpan CancelledLoadGrace = TimeSpan.FromSeconds(30);

    /// <summary>How often a load that must wait for busy models to finish looks again.</summary>
    private static readonly TimeSpan RoomPollInterval = TimeSpan.FromMilliseconds(200);

    // Resolved late: the planner reads the registry and library, which are built after the gateway in some hosts.
    private LoadPlanner? Planner => services.GetService<LoadPlanner>();

    /// <summary>
    /// Makes <paramref name="request"/>'s model resident on the worker the placement picks (or <paramref name="workerId"/>)
    /// and waits for the answer.
    /// </summary>
    public async Task<ModelLoadResult> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken, string? workerId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Place(request, workerId, null) is not { } worker)
        {
            if (services.GetService<Library.LibraryIndex>()?.FindByPath(request.ModelPath)?.Machine is { } machine)
            {
                return ModelLoadResult.Failed($"{Path.GetFileName(request.ModelPath)} is on {machine}'s own disk, so only {machine}'s worker can load it, and it is not connected.");
            }

            return ModelLoadResult.Failed(workerId is null
                ? "No worker is connected yet. The local worker may still be starting; see its status on the Chat page."
                : $"No connected worker is called '{workerId}'.");
        }

        return await EnsureResidentAsync(worker.ConnectionId, request, hold: false, cancellationToken);
    }

    // The worker for a model: where it is resident, else the estimator's best fit; the first worker when nothing can be estimated.
    private ConnectedWorker? Place(ModelLoadRequest? model, string? workerId, HashSet<string>? excluded)
    {
        if (model is null)
        {
            // No model named: whichever worker used its model most recently.
            return registry.Workers.Where(w => excluded?.Contains(w.ConnectionId) != true && w.MostRecentlyUsed is not null)
                .MaxBy(w => w.MostRecentlyUsed!.LastUsed)
                ?? registry.Workers.FirstOrDefault(w => excluded?.Contains(w.ConnectionId) != true);
        }

        if (Planner?.Place(model.ModelPath, model.ContextSize, workerId, excluded) is { } placed)
        {
            if (placed.Worker.FindResident(model.ModelPath) is null)
            {
                _placements[(placed.Worker.ConnectionId, model.ModelPath)] = placed.Reason;
            }

            return placed.Worker;
        }

        // A model on one machine's own disk goes nowhere else, even when that machine is away.
        var onOneMachine = services.GetService<Library.LibraryIndex>()?.FindByPath(model.ModelPath)?.Machine is not null;
        return workerId is null && !onOneMachine ? registry.Workers.FirstOrDefault(w => excluded?.Contains(w.ConnectionId) != true) : null;
    }

    /// <summary>
    /// Whether answering with <paramref name="wanted"/> means loading: it is not resident, or resident with a smaller
    /// context than asked for. A larger context already loaded serves a smaller request as it is, so chat and API
    /// clients asking for different sizes do not reload the model back and forth. Settings chosen by hand (cache type,
    /// flash attention, GPU layers) that the resident copy lacks mean loading again; unchosen ones never do.
    /// </summary>
    public static bool NeedsLoad(ModelLoadResult? loaded, ModelLoadRequest wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return loaded?.ModelPath != wanted.ModelPath || loaded.ContextSize < wanted.ContextSize
            || wanted.Overrides?.Differs(loaded) == true;
    }

    // Loads (one at a time per worker) only when needed; with hold, the model is held for the caller before the
    // worker's load turn is handed on, so no other load can evict it in between.
    private async Task<ModelLoadResult> EnsureResidentAsync(string connectionId, ModelLoadRequest request, bool hold, CancellationToken cancellationToken)
    {
        await using var turn = await turns.WaitAsync(connectionId, cancellationToken);
        if (registry.Find(connectionId)?.FindResident(request.ModelPath) is { } resident && !NeedsLoad(resident.Load, request)
            && (!hold || registry.TryHold(connectionId, request.ModelPath, load => !NeedsLoad(load, request))))
        {
            registry.Touch(connectionId, request.ModelPath);
            return resident.Load;
        }

        if (!await MakeRoomAsync(connectionId, request, cancellationToken))
        {
            return ModelLoadResult.Failed("The worker went away while making room for the model.");
        }

        var result = await LoadHoldingTurnAsync(connectionId, request, cancellationToken);
        if (result.Succeeded && hold)
        {
            registry.TryHold(connectionId, request.ModelPath, _ => true);
        }

        return result;
    }

    // Unloads the least recently used idle models until the new one fits the budget and the model count; waits while
    // only models that are answering stand in the way.
    private async Task<bool> MakeRoomAsync(string connectionId, ModelLoadRequest request, CancellationToken cancellationToken)
    {
        while (registry.Find(connectionId) is { } worker)
        {
            var options = runtime.CurrentValue;
            var usesGpu = WorkerMemoryBudget.UsesGpu(worker);
            var others = worker.Resident
                .Where(m => m.Path != request.ModelPath)
                .Select(m => new ResidentFootprint(m.Path, WorkerMemoryBudget.Footprint(m.Load, usesGpu), m.InUse, m.LastUsed))
                .ToList();
            var incoming = Planner?.Footprint(request, worker) ?? new FileInfo(request.ModelPath) switch { { Exists: true } f => f.Length, _ => 0 };
            var plan = ResidencyPlanner.Plan(others, incoming, WorkerMemoryBudget.Bytes(worker, options), options.MaxLoadedModels);
            foreach (var evicted in registry.TakeIdle(connectionId, plan.Evict))
            {
                LogEvicting(logger, evicted.Path, request.ModelPath, plan.Reason);
                await UnloadOnWorkerAsync(connectionId, evicted.Path, cancellationToken);
            }

            if (plan.CanLoadNow)
            {
                return true;
            }

            LogWaitingForRoom(logger, request.ModelPath, plan.Reason);
            await Task.Delay(RoomPollInterval, time, cancellationToken);
        }

        return false;
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
            await SettleCancelledLoadAsync(client, connectionId, request.ModelPath, loadId, answer);
            throw;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or HubException)
        {
            Record(connectionId, request.ModelPath, null);
            return ModelLoadResult.Failed($"Loading {Path.GetFileName(request.ModelPath)} stopped: {ex.Message}");
        }

        Record(connectionId, request.ModelPath, result);
        NoteInLibrary(request.ModelPath, result);
        return result;
    }

    // What the worker answered about the file itself (not a cancel or a lost connection) marks it in the library.
    private void NoteInLibrary(string modelPath, ModelLoadResult result)
    {
        if (services.GetService<Library.ModelLoadFailures>() is not { } failures)
        {
            return;
        }

        if (result.Succeeded)
        {
            failures.Clear(modelPath);
        }
        else if (result.Error is { Length: > 0 } error)
        {
            failures.Record(modelPath, error);
        }
    }

    // A failed load leaves that file unloaded on the worker (it replaced it first); the other models stay.
    private void Record(string connectionId, string modelPath, ModelLoadResult? result)
    {
        if (result is { Succeeded: true })
        {
            registry.SetLoadedModel(connectionId, result);
            if (_placements.TryRemove((connectionId, modelPath), out var reason))
            {
                registry.SetPlacement(connectionId, modelPath, reason);
            }
        }
        else
        {
            registry.RemoveResident(connectionId, modelPath);
            registry.EndLoading(connectionId);
        }
    }

    private async Task SettleCancelledLoadAsync(IWorkerClient client, string connectionId, string modelPath, Guid loadId, Task<ModelLoadResult> answer)
    {
        try
        {
            await client.CancelLoad(loadId);
            Record(connectionId, modelPath, await answer.WaitAsync(CancelledLoadGrace, CancellationToken.None));
        }
        catch (Exception ex) when (ex is IOException or HubException or InvalidOperationException or TimeoutException)
        {
            // The worker went away or did not stop: what it holds of this model is unknown, so it is shown unloaded.
            LogCancelledLoadUnsettled(logger, ex, connectionId);
            Record(connectionId, modelPath, null);
        }
    }

    /// <summary>An unload asked for by a person (Overview, Hardware): only the owner may free the shared memory.</summary>
    /// <exception cref="Security.OwnerOnlyException"><paramref name="caller"/> is not the owner.</exception>
    public Task<bool> UnloadModelAsync(System.Security.Claims.ClaimsPrincipal caller, string connectionId, string? modelPath, CancellationToken cancellationToken)
    {
        Security.OwnerOnly.Demand(caller, "unload a model");
        return UnloadModelAsync(connectionId, modelPath, cancellationToken);
    }

    /// <summary>An unload of every model asked for by a person (see the overload with a model path).</summary>
    /// <exception cref="Security.OwnerOnlyException"><paramref name="caller"/> is not the owner.</exception>
    public Task<bool> UnloadModelAsync(System.Security.Claims.ClaimsPrincipal caller, string connectionId, CancellationToken cancellationToken) =>
        UnloadModelAsync(caller, connectionId, null, cancellationToken);

    /// <summary>
    /// Unloads <paramref name="modelPath"/> (null: every model) of a worker after the answers in progress on it, so
    /// its memory is free for other apps; answers whether anything was unloaded.
    /// </summary>
    public async Task<bool> UnloadModelAsync(string connectionId, string? modelPath, CancellationToken cancellationToken)
    {
        if (registry.Find(connectionId) is not { } worker)
        {
            return false;
        }

        await using var turn = await turns.WaitAsync(connectionId, cancellationToken);
        var paths = modelPath is null ? worker.Resident.Select(m => m.Path).ToList() : [modelPath];
        var unloaded = false;
        foreach (var path in paths)
        {
            registry.RemoveResident(connectionId, path);
            unloaded |= await UnloadOnWorkerAsync(connectionId, path, cancellationToken);
        }

        return unloaded;
    }

    /// <summary>Unloads every model of a worker (see <see cref="UnloadModelAsync(string, string?, CancellationToken)"/>).</summary>
    public Task<bool> UnloadModelAsync(string connectionId, CancellationToken cancellationToken) =>
        UnloadModelAsync(connectionId, null, cancellationToken);

    /// <summary>Unloads everything a worker holds, in the background (for a worker that registers with models loaded).</summary>
    internal void ResetWorker(string connectionId) => _ = ResetWorkerAsync(connectionId);

    private async Task ResetWorkerAsync(string connectionId)
    {
        try
        {
            await hub.Clients.Client(connectionId).UnloadModel(null).WaitAsync(CancelledLoadGrace);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or HubException or TimeoutException)
        {
            LogResetFailed(logger, ex, connectionId);
        }
    }

    private async Task<bool> UnloadOnWorkerAsync(string connectionId, string modelPath, CancellationToken cancellationToken)
    {
        var host = HostOf(connectionId);
        LogUnloading(logger, modelPath, host);
        return await hub.Clients.Client(connectionId).UnloadModel(modelPath).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Streams a generation from the chat worker's most recently used model. The stream always ends with a chunk that
    /// carries the completion.
    /// </summary>
    public IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
        GenerateAsync(request, null, cancellationToken);

    /// <summary>
    /// Streams a generation with the model <paramref name="model"/> names (null: the most recently used resident
    /// one), loading it first when it is not resident. The model is held from then until the answer ends, so it is
    /// never unloaded under its user; the answer waits for a free slot of that model only, never for other models.
    /// Cancelling <paramref name="cancellationToken"/> asks the worker to stop, and the stream then ends cancelled.
    /// </summary>
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(
        GenerationRequest request,
        ModelLoadRequest? model,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        Action<int>? queuePosition = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tried = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var worker = Place(model, null, tried);
            if (worker is null)
            {
                yield return GenerationChunk.Final(GenerationCompletion.Failure("No worker is connected."));
                yield break;
            }

            tried.Add(worker.ConnectionId);
            var streamed = false;
            var retry = false;
            await foreach (var chunk in GenerateOnAsync(worker, request, model, queuePosition, cancellationToken))
            {
                // A worker lost before the answer began: the request is tried once more on another worker.
                if (chunk.Completion is { WorkerLost: true } && !streamed && tried.Count == 1
                    && registry.Workers.Any(w => !tried.Contains(w.ConnectionId)))
                {
                    LogRetrying(logger, request.RequestId, worker.Registration.HostName);
                    retry = true;
                    break;
                }

                streamed |= chunk.TokenCount > 0;
                yield return chunk;
            }

            if (!retry)
            {
                yield break;
            }
        }
    }

    private async IAsyncEnumerable<GenerationChunk> GenerateOnAsync(
        ConnectedWorker worker,
        GenerationRequest request,
        ModelLoadRequest? model,
        Action<int>? queuePosition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connectionId = worker.ConnectionId;
        var held = await HoldAsync(connectionId, model ?? MostRecent(worker), cancellationToken);
        if (held.Refusal is { } refusal)
        {
            yield return GenerationChunk.Final(refusal);
            yield break;
        }

        var path = held.Load!.ModelPath!;
        try
        {
            await foreach (var chunk in GenerateHoldingAsync(connectionId, request with { ModelPath = path }, held.Load, queuePosition, cancellationToken))
            {
                yield return chunk;
            }
        }
        finally
        {
            registry.Release(connectionId, path);
        }
    }

    private static ModelLoadRequest? MostRecent(ConnectedWorker worker) =>
        worker.LoadedModel is { ModelPath: { } path } loaded
            ? new ModelLoadRequest(path, loaded.ContextSize, loaded.GpuLayers, ParallelSequences: loaded.ParallelSequences)
            : null;

    // Holds the model for a request, loading it first when needed; a refusal is the completion to answer with.
    private async Task<(ModelLoadResult? Load, GenerationCompletion? Refusal)> HoldAsync(string connectionId, ModelLoadRequest? model, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            return (null, GenerationCompletion.Failure("No model is loaded on this worker."));
        }

        if (registry.TryHold(connectionId, model.ModelPath, load => !NeedsLoad(load, model)))
        {
            return (registry.Find(connectionId)?.FindResident(model.ModelPath)?.Load, null);
        }

        ModelLoadResult loaded;
        try
        {
            loaded = await EnsureResidentAsync(connectionId, model, hold: true, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return (null, new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, 0, 0, 0));
        }

        return loaded.Succeeded ? (loaded, null) : (null, GenerationCompletion.Failure(loaded.Error ?? "The model could not be loaded."));
    }

    private async IAsyncEnumerable<GenerationChunk> GenerateHoldingAsync(
        string connectionId,
        GenerationRequest request,
        ModelLoadResult load,
        Action<int>? queuePosition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = load.ModelPath!;
        IAsyncDisposable slot;
        try
        {
            slot = await slots.WaitAsync(connectionId, path, load.ParallelSequences, queuePosition, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            slot = NoSlot.Instance;
        }

        await using var heldSlot = slot;
        if (slot == NoSlot.Instance)
        {
            yield return GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, 0, 0, 0));
            yield break;
        }

        var host = HostOf(connectionId);
        var client = hub.Clients.Client(connectionId);
        var pending = new PendingGeneration(connectionId);
        _pending[request.RequestId] = pending;
        registry.CountGenerating(connectionId, path, +1);
        var finished = false;
        IDisposable? prompt = null;
        IDisposable? generating = null;
        try
        {
            prompt = activity.Begin(host, Telemetry.WorkerActivity.Prompt);
            await client.StartGeneration(request);
            await using var cancelRegistration = cancellationToken.Register(() => _ = CancelOnWorkerAsync(client, request.RequestId));
            await foreach (var chunk in pending.Chunks.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (generating is null && chunk.TokenCount > 0)
                {
                    prompt.Dispose();
                    generating = activity.Begin(host, Telemetry.WorkerActivity.Generating);
                }

                finished = chunk.Completion is not null;
                if (chunk.Completion is { } done)
                {
                    speeds.Record(host, path, done);
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
            registry.CountGenerating(connectionId, path, -1);
            _pending.TryRemove(request.RequestId, out _);
            pending.Chunks.Writer.TryComplete();
            if (!finished)
            {
                // The reader left early (closed tab, stopped enumeration): the worker must not keep going.
                _ = CancelOnWorkerAsync(client, request.RequestId);
            }
        }
    }

    /// <summary>
    /// Embeds <paramref name="inputs"/> with the model <paramref name="model"/> names, loading it first when it is
    /// not resident (beside the others when they fit). Embedding never evicts a model that is answering.
    /// </summary>
    public async Task<EmbeddingResult> EmbedAsync(ModelLoadRequest model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Place(model, null, null) is not { } worker)
        {
            return EmbeddingResult.Failed("No worker is connected.");
        }

        var held = await HoldAsync(worker.ConnectionId, model, cancellationToken);
        if (held.Refusal is { } refusal)
        {
            return EmbeddingResult.Failed(refusal.Error ?? "The request was cancelled.");
        }

        try
        {
            return await hub.Clients.Client(worker.ConnectionId).Embed(new EmbeddingRequest(held.Load!.ModelPath!, inputs)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or HubException)
        {
            return EmbeddingResult.Failed($"The worker could not embed: {ex.Message}");
        }
        finally
        {
            registry.Release(worker.ConnectionId, held.Load!.ModelPath!);
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The worker's connection ended mid-answer (killed, crashed, network): FailPendingOf tells the reader.
        }
    }

    /// <summary>Ends every generation a lost worker was serving with a failure the user can read.</summary>
    internal void FailPendingOf(string connectionId, string reason)
    {
        foreach (var pending in _pending.Values.Where(p => p.ConnectionId == connectionId))
        {
            pending.Chunks.Writer.TryWrite(GenerationChunk.Final(GenerationCompletion.Failure(reason) with { WorkerLost = true }));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cancelled load on {ConnectionId} did not settle; showing that model unloaded")]
    private static partial void LogCancelledLoadUnsettled(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading {Evicted} to load {Model}: {Reason}")]
    private static partial void LogEvicting(ILogger logger, string evicted, string model, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading {Model} {Reason}")]
    private static partial void LogWaitingForRoom(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Host} was lost before answering {RequestId}; trying another worker")]
    private static partial void LogRetrying(ILogger logger, Guid requestId, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not empty the reconnected worker {ConnectionId}")]
    private static partial void LogResetFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading {Model} on {Host}")]
    private static partial void LogUnloading(ILogger logger, string model, string host);

    /// <summary>Stands for a slot that was never granted (cancelled while waiting).</summary>
    private sealed class NoSlot : IAsyncDisposable
    {
        public static readonly NoSlot Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class PendingGeneration(string connectionId)
    {
        public string ConnectionId { get; } = connectionId;

        public Channel<GenerationChunk> Chunks { get; } = Channel.CreateBounded<GenerationChunk>(
            new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }
}
