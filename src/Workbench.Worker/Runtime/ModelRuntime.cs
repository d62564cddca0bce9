using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Workbench.Core.Estimation;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Worker.Hosting;

namespace Workbench.Worker.Runtime;

/// <summary>
/// The models this worker holds in memory. Each answers several requests at once through its own decode loop
/// (<see cref="SequenceBatcher"/>); loads run one at a time and never stop the resident models from answering.
/// Which models stay resident is the dashboard's decision: it knows the estimates and the budget.
/// </summary>
public sealed partial class ModelRuntime(
    NativeBackend backend,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<ModelRuntime> logger) : IAsyncDisposable
{
    /// <summary>Most sequences one model may decode together.</summary>
    public const int MaxParallelSequences = 64;

    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _residentGate = new();
    private readonly Dictionary<string, ResidentModel> _resident = new(StringComparer.Ordinal);
    private readonly Lock _cancelGate = new();
    private readonly List<Guid> _cancelledBeforeStart = [];
    private (Guid Id, CancellationTokenSource Source)? _loading;

    /// <summary>Path of the model used most recently, if any is resident.</summary>
    public string? LoadedModelPath
    {
        get
        {
            lock (_residentGate)
            {
                return _resident.Values.MaxBy(m => m.LastUsed)?.Path;
            }
        }
    }

    /// <summary>Every resident model's path.</summary>
    public IReadOnlyList<string> ResidentPaths
    {
        get
        {
            lock (_residentGate)
            {
                return [.. _resident.Keys];
            }
        }
    }

    /// <summary>CPU threads for decoding: the setting, else one per physical core.</summary>
    public int Threads => options.Value.Threads ?? PhysicalCores.Count;

    /// <summary>CPU threads for prompt processing: the setting, else the decode threads.</summary>
    public int BatchThreads => options.Value.BatchThreads ?? Threads;

    /// <summary>
    /// Loads a model beside the resident ones. The same file already resident with other settings is replaced (after
    /// its answers in progress end); with the same settings it is kept and reported again. Failures come back as a
    /// result, not an exception.
    /// </summary>
    public async Task<ModelLoadResult> LoadAsync(ModelLoadRequest request, IProgress<float>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!File.Exists(request.ModelPath))
        {
            return ModelLoadResult.Failed($"Model file not found on the worker's host: {request.ModelPath}");
        }

        if (request.ContextSize < 16)
        {
            return ModelLoadResult.Failed($"Context size {request.ContextSize} is too small; use at least 16 tokens.");
        }

        if (request.ParallelSequences is < 1 or > MaxParallelSequences)
        {
            return ModelLoadResult.Failed($"Parallel sequences must be between 1 and {MaxParallelSequences}, not {request.ParallelSequences}.");
        }

        if (request.Overrides?.Problem is { } refused)
        {
            return ModelLoadResult.Failed(refused);
        }

        backend.ReclaimLog();
        await _loadGate.WaitAsync(cancellationToken);
        backend.Log.TakeRecentErrors(); // only this load's errors explain its failure
        // CancelLoad stops this load at llama.cpp's next progress callback; stopping the worker does too.
        using var loading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loadId = request.LoadId ?? Guid.NewGuid();
        lock (_cancelGate)
        {
            // Cancelled while it waited for another load to end.
            if (_cancelledBeforeStart.Remove(loadId))
            {
                loading.Cancel();
            }

            _loading = (loadId, loading);
        }

        try
        {
            if (Find(request.ModelPath) is { } same && SameSettings(same.Load, request))
            {
                loading.Token.ThrowIfCancellationRequested();
                same.LastUsed = time.GetTimestamp();
                return same.Load;
            }

            // The same file with other settings goes first: the dashboard counts on it being gone if the new load fails.
            await UnloadAsync(request.ModelPath, loading.Token);
            loading.Token.ThrowIfCancellationRequested();
            return await LoadResidentAsync(request, progress, loading.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or LoadWeightsFailedException
            && loading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // llama.cpp gave up at the cancelled progress callback: this model is not loaded now.
            LogLoadCancelled(logger, request.ModelPath);
            return ModelLoadResult.Failed($"Loading {Path.GetFileName(request.ModelPath)} was cancelled; it is not loaded.");
        }
        catch (LoadWeightsFailedException ex)
        {
            LogLoadFailed(logger, ex, request.ModelPath);
            var said = backend.Log.TakeRecentErrors();
            return ModelLoadResult.Failed(
                $"llama.cpp could not load {Path.GetFileName(request.ModelPath)}: {ex.Message}"
                + (said.Count > 0 ? $" llama.cpp said: {string.Join(" / ", said)}" : string.Empty));
        }
        catch (RuntimeError ex)
        {
            LogLoadFailed(logger, ex, request.ModelPath);
            var said = backend.Log.TakeRecentErrors();
            return ModelLoadResult.Failed(
                $"{Path.GetFileName(request.ModelPath)} loaded, but a context of {request.TotalContext} tokens ({request.ParallelSequences} × {request.ContextSize}) could not be made ({ex.Message})."
                + (said.Count > 0 ? $" llama.cpp said: {string.Join(" / ", said)}." : string.Empty)
                + " Try a smaller context, fewer parallel sequences, fewer GPU layers or another KV cache type.");
        }
        finally
        {
            lock (_cancelGate)
            {
                _loading = null;
            }

            _loadGate.Release();
        }
    }

    private async Task<ModelLoadResult> LoadResidentAsync(ModelLoadRequest request, IProgress<float>? progress, CancellationToken cancellationToken)
    {
        // Every setting stated, not left to defaults, so the estimate describes the same context.
        var total = request.TotalContext;
        var overrides = request.Overrides ?? LoadOverrides.None;
        var parameters = new ModelParams(request.ModelPath)
        {
            ContextSize = (uint)total,
            SeqMax = (uint)request.ParallelSequences,
            // One KV stream per sequence: each holds exactly its own window, as the load plan says.
            KVUnified = false,
            // llama-server's default and the estimator's assumption: sliding-window layers keep only the window.
            SwaFull = false,
            GpuLayerCount = request.GpuLayers,
            Threads = Threads,
            BatchThreads = BatchThreads,
            BatchSize = (uint)Core.Estimation.RunSettings.Default.BatchSize,
            UBatchSize = (uint)Core.Estimation.RunSettings.Default.MicroBatchSize,
            FlashAttention = overrides.UsesFlashAttention,
            TypeK = (GGMLType)overrides.CacheType.ToGgmlType(),
            TypeV = (GGMLType)overrides.CacheType.ToGgmlType(),
        };
        var started = time.GetTimestamp();
        var buffers = new LlamaBufferLog();
        LLamaWeights weights;
        LLamaContext context;
        using (backend.Log.Capture(buffers))
        {
            weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken, progress);
            // The context made now is the one answers use: its KV cache and compute buffers are measured, and a
            // context that cannot fit fails the load instead of the first message.
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                context = weights.CreateContext(parameters);
                if (context.NativeHandle.IsInvalid)
                {
                    // llama.cpp refused the context (its log says why, e.g. a cache type whose blocks do not divide
                    // the head size) and LLamaSharp handed back an empty handle instead of throwing.
                    context.Dispose();
                    throw new RuntimeError("llama.cpp did not create the context");
                }
            }
            catch
            {
                weights.Dispose();
                throw;
            }
        }

        var elapsed = time.GetElapsedTime(started);
        var measured = buffers.Result();
        var result = new ModelLoadResult(
            true, null, request.ModelPath, request.ContextSize,
            weights.ParameterCount, weights.SizeInBytes, elapsed.TotalMilliseconds,
            measured, (int)parameters.UBatchSize, parameters.FlashAttention == true,
            // The CPU backend ignores -ngl: only buffers on a GPU show that layers went there.
            GpuLayers: measured is { GpuBytes: > 0 } ? request.GpuLayers : 0,
            ParallelSequences: request.ParallelSequences,
            Threads: Threads,
            BatchThreads: BatchThreads,
            KvCache: overrides.CacheType);
        var batcher = new SequenceBatcher(weights, context, request.ParallelSequences, request.ContextSize, time, logger);
        var model = new ResidentModel(request.ModelPath, weights, parameters, batcher, result) { LastUsed = time.GetTimestamp() };
        lock (_residentGate)
        {
            _resident[request.ModelPath] = model;
        }

        LogLoaded(logger, request.ModelPath, elapsed.TotalMilliseconds);
        return result;
    }

    private static bool SameSettings(ModelLoadResult loaded, ModelLoadRequest wanted) =>
        loaded.ContextSize == wanted.ContextSize && loaded.ParallelSequences == wanted.ParallelSequences
        && (loaded.GpuLayers == wanted.GpuLayers || loaded.Buffers is not { GpuBytes: > 0 })
        && loaded.KvCache == (wanted.Overrides ?? LoadOverrides.None).CacheType
        && loaded.FlashAttention == (wanted.Overrides ?? LoadOverrides.None).UsesFlashAttention;

    /// <summary>
    /// Stops the load <paramref name="loadId"/>: the one in progress, or one that has not started yet (it then ends
    /// as soon as it starts). Answers whether that load was in progress.
    /// </summary>
    public bool CancelLoad(Guid loadId)
    {
        lock (_cancelGate)
        {
            if (_loading is { } current && current.Id == loadId)
            {
                current.Source.Cancel();
                return true;
            }

            // Only the last few are kept: a cancel for a load that never comes must not pile up.
            _cancelledBeforeStart.Add(loadId);
            if (_cancelledBeforeStart.Count > RememberedCancels)
            {
                _cancelledBeforeStart.RemoveAt(0);
            }

            return false;
        }
    }

    private const int RememberedCancels = 16;

    /// <summary>Frees every resident model once its answers in progress end; answers whether any was loaded.</summary>
    public async Task<bool> UnloadAsync(CancellationToken cancellationToken)
    {
        var unloaded = false;
        foreach (var path in ResidentPaths)
        {
            unloaded |= await UnloadAsync(path, cancellationToken);
        }

        return unloaded;
    }

    /// <summary>
    /// Frees <paramref name="modelPath"/>: new requests for it are refused at once, and its memory is released once
    /// the answers in progress end. Answers whether it was resident.
    /// </summary>
    public async Task<bool> UnloadAsync(string modelPath, CancellationToken cancellationToken)
    {
        ResidentModel? model;
        lock (_residentGate)
        {
            if (_resident.Remove(modelPath, out model))
            {
                LogUnloading(logger, modelPath, model.Batcher.ActiveSequences);
            }
        }

        if (model is null)
        {
            return false;
        }

        try
        {
            await model.Batcher.CloseAsync(cancellationToken);
        }
        finally
        {
            await model.DisposeAsync();
            LogUnloaded(logger, modelPath);
        }

        return true;
    }

    /// <summary>
    /// Streams the answer to a conversation from the model it names (the most recently used one when it names none).
    /// The stream always ends with one chunk that carries the completion (finished, cancelled or failed), so the
    /// caller never has to guess how it ended.
    /// </summary>
    /// <remarks>A reader that stops early (disposes the enumerator) stops the generation too.</remarks>
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.ModelPath is { } path ? Find(path) : MostRecentlyUsed();
        if (model is null)
        {
            var error = request.ModelPath is null
                ? "No model is loaded on this worker."
                : $"{Path.GetFileName(request.ModelPath)} is not loaded on this worker.";
            yield return GenerationChunk.Final(GenerationCompletion.Failure(error));
            yield break;
        }

        model.LastUsed = time.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prompt = request.RawPrompt ?? PromptFormatter.Format(model.Weights, request.Messages);
        var job = new SequenceJob(request, prompt, time.GetTimestamp(), stop.Token);
        model.Batcher.Enqueue(job);
        GenerationCompletion? completion = null;
        try
        {
            while (await job.Chunks.Reader.WaitToReadAsync(CancellationToken.None))
            {
                // Whatever piled up while the last chunk was being sent goes out as one message:
                // no added latency, and far fewer messages when llama.cpp outpaces the connection.
                if (Coalesce(job.Chunks.Reader) is { } chunk)
                {
                    completion ??= chunk.Completion;
                    yield return chunk;
                }
            }
        }
        finally
        {
            // A reader that left early: the decode loop frees the sequence at its next step.
            await stop.CancelAsync();
            if (completion is not null)
            {
                LogGenerationEnded(logger, request.RequestId, completion.Outcome, completion.GeneratedTokens, completion.TotalMs);
            }
        }
    }

    /// <summary>Embeds texts with a resident model: one unit-length vector per input.</summary>
    public async Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Find(request.ModelPath) is not { } model)
        {
            return EmbeddingResult.Failed($"{Path.GetFileName(request.ModelPath)} is not loaded on this worker.");
        }

        model.LastUsed = time.GetTimestamp();
        try
        {
            return await model.EmbedAsync(request.Inputs, cancellationToken);
        }
        catch (Exception ex) when (ex is RuntimeError or ArgumentException or NotSupportedException)
        {
            LogEmbeddingFailed(logger, ex, request.ModelPath);
            return EmbeddingResult.Failed($"{Path.GetFileName(request.ModelPath)} could not embed: {ex.Message}");
        }
    }

    /// <summary>
    /// Tokens with log-probabilities one merged chunk holds at most: with 20 alternatives each is about 1.3 KB on the
    /// wire, so a reader far behind still gets messages well under the hub's 1 MiB limit.
    /// </summary>
    internal const int MaxLogprobTokensPerChunk = 64;

    /// <summary>Merges the text chunks waiting in <paramref name="reader"/>; a final chunk is never merged into text.</summary>
    internal static GenerationChunk? Coalesce(ChannelReader<GenerationChunk> reader)
    {
        if (!reader.TryPeek(out var first))
        {
            return null;
        }

        if (first.Completion is not null)
        {
            reader.TryRead(out _);
            return first;
        }

        var text = new StringBuilder();
        var tokens = 0;
        List<TokenLogprob>? logprobs = null;
        while (!(logprobs?.Count >= MaxLogprobTokensPerChunk) && reader.TryPeek(out var next) && next.Completion is null && reader.TryRead(out next))
        {
            text.Append(next.Text);
            tokens += next.TokenCount;
            if (next.Logprobs is { } more)
            {
                (logprobs ??= []).AddRange(more);
            }
        }

        return new GenerationChunk(text.ToString(), tokens, Logprobs: logprobs);
    }

    private ResidentModel? Find(string modelPath)
    {
        lock (_residentGate)
        {
            return _resident.GetValueOrDefault(modelPath);
        }
    }

    private ResidentModel? MostRecentlyUsed()
    {
        lock (_residentGate)
        {
            return _resident.Values.MaxBy(m => m.LastUsed);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<ResidentModel> models;
        lock (_residentGate)
        {
            models = [.. _resident.Values];
            _resident.Clear();
        }

        foreach (var model in models)
        {
            await model.DisposeAsync();
        }

        _loadGate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Path} in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string path, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading {Path} once its {Active} answers in progress end")]
    private static partial void LogUnloading(ILogger logger, string path, int active);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding with {Path} failed")]
    private static partial void LogEmbeddingFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Path}")]
    private static partial void LogUnloaded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading {Path} failed")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading {Path} was cancelled")]
    private static partial void LogLoadCancelled(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generation {RequestId} {Outcome}: {Tokens} tokens in {Milliseconds:F0} ms")]
    private static partial void LogGenerationEnded(ILogger logger, Guid requestId, GenerationOutcome outcome, int tokens, double milliseconds);
}
