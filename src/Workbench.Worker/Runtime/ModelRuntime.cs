using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Worker.Hosting;

namespace Workbench.Worker.Runtime;

/// <summary>
/// Holds the one loaded model of this worker and runs generations on it, one at a time;
/// later requests wait their turn so two conversations never interleave in one answer.
/// </summary>
public sealed partial class ModelRuntime(
    NativeBackend backend,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<ModelRuntime> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _modelGate = new(1, 1);
    private LoadedModel? _loaded;
    private readonly Lock _cancelGate = new();
    private readonly List<Guid> _cancelledBeforeStart = [];
    private (Guid Id, CancellationTokenSource Source)? _loading;

    /// <summary>Path of the loaded model, if any.</summary>
    public string? LoadedModelPath => _loaded?.Path;

    /// <summary>Loads a model, replacing the current one. Failures come back as a result, not an exception.</summary>
    public async Task<ModelLoadResult> LoadAsync(ModelLoadRequest request, IProgress<float>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(request.ModelPath))
        {
            return ModelLoadResult.Failed($"Model file not found on the worker's host: {request.ModelPath}");
        }

        if (request.ContextSize < 16)
        {
            return ModelLoadResult.Failed($"Context size {request.ContextSize} is too small; use at least 16 tokens.");
        }

        backend.ReclaimLog();
        await _modelGate.WaitAsync(cancellationToken);
        // CancelLoad stops this load at llama.cpp's next progress callback; stopping the worker does too.
        using var loading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loadId = request.LoadId ?? Guid.NewGuid();
        lock (_cancelGate)
        {
            // Cancelled while it waited for an answer in progress to end.
            if (_cancelledBeforeStart.Remove(loadId))
            {
                loading.Cancel();
            }

            _loading = (loadId, loading);
        }

        try
        {
            // A load replaces the model, cancelled or not: the dashboard counts on nothing being loaded after one fails.
            _loaded?.Weights.Dispose();
            _loaded = null;
            loading.Token.ThrowIfCancellationRequested();

            // Batch sizes and flash attention stated, not left to defaults, so the estimate can use the same.
            var parameters = new ModelParams(request.ModelPath)
            {
                ContextSize = (uint)request.ContextSize,
                GpuLayerCount = request.GpuLayers,
                Threads = options.Value.Threads,
                BatchSize = (uint)Core.Estimation.RunSettings.Default.BatchSize,
                UBatchSize = (uint)Core.Estimation.RunSettings.Default.MicroBatchSize,
                FlashAttention = Core.Estimation.RunSettings.Default.FlashAttention,
            };
            var started = time.GetTimestamp();
            var buffers = new LlamaBufferLog();
            LLamaWeights weights;
            using (backend.Log.Capture(buffers))
            {
                weights = await LLamaWeights.LoadFromFileAsync(parameters, loading.Token, progress);
                // One context made and freed now: its KV cache and compute buffers are measured, and a context
                // that cannot fit fails the load instead of the first message.
                try
                {
                    loading.Token.ThrowIfCancellationRequested();
                    using var probe = weights.CreateContext(parameters, logger);
                }
                catch
                {
                    weights.Dispose();
                    throw;
                }
            }

            var elapsed = time.GetElapsedTime(started);
            _loaded = new LoadedModel(request.ModelPath, weights, parameters);
            LogLoaded(logger, request.ModelPath, elapsed.TotalMilliseconds);
            var measured = buffers.Result();
            return new ModelLoadResult(
                true, null, request.ModelPath, (int)parameters.ContextSize!.Value,
                weights.ParameterCount, weights.SizeInBytes, elapsed.TotalMilliseconds,
                measured, (int)parameters.UBatchSize, parameters.FlashAttention == true,
                // The CPU backend ignores -ngl: only buffers on a GPU show that layers went there.
                GpuLayers: measured is { GpuBytes: > 0 } ? request.GpuLayers : 0);
        }
        catch (Exception ex) when (ex is OperationCanceledException or LoadWeightsFailedException
            && loading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // llama.cpp gave up at the cancelled progress callback: nothing is loaded now.
            LogLoadCancelled(logger, request.ModelPath);
            return ModelLoadResult.Failed($"Loading {Path.GetFileName(request.ModelPath)} was cancelled; no model is loaded.");
        }
        catch (LoadWeightsFailedException ex)
        {
            LogLoadFailed(logger, ex, request.ModelPath);
            return ModelLoadResult.Failed($"llama.cpp could not load {Path.GetFileName(request.ModelPath)}: {ex.Message}");
        }
        catch (RuntimeError ex)
        {
            LogLoadFailed(logger, ex, request.ModelPath);
            return ModelLoadResult.Failed(
                $"{Path.GetFileName(request.ModelPath)} loaded, but a context of {request.ContextSize} tokens could not be made ({ex.Message}). Try a smaller context, fewer GPU layers or a q8_0 KV cache.");
        }
        finally
        {
            lock (_cancelGate)
            {
                _loading = null;
            }

            _modelGate.Release();
        }
    }

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

    /// <summary>Frees the loaded model once the generation in progress (if any) ends; answers whether one was loaded.</summary>
    public async Task<bool> UnloadAsync(CancellationToken cancellationToken)
    {
        await _modelGate.WaitAsync(cancellationToken);
        try
        {
            if (_loaded is not { } loaded)
            {
                return false;
            }

            _loaded = null;
            loaded.Weights.Dispose();
            LogUnloaded(logger, loaded.Path);
            return true;
        }
        finally
        {
            _modelGate.Release();
        }
    }

    /// <summary>
    /// Streams the answer to a conversation. The stream always ends with one chunk that carries the
    /// completion (finished, cancelled or failed), so the caller never has to guess how it ended.
    /// </summary>
    /// <remarks>A reader that stops early (disposes the enumerator) stops the generation too.</remarks>
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A bounded channel between llama.cpp's loop and the uploader: a slow dashboard slows generation
        // down instead of buffering without limit.
        var chunks = Channel.CreateBounded<GenerationChunk>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        using var readerLeft = new CancellationTokenSource();
        var producer = Task.Run(() => ProduceAsync(request, chunks.Writer, cancellationToken, readerLeft.Token), CancellationToken.None);
        try
        {
            while (await chunks.Reader.WaitToReadAsync(CancellationToken.None))
            {
                // Whatever piled up while the last chunk was being sent goes out as one message:
                // no added latency, and far fewer messages when llama.cpp outpaces the connection.
                if (Coalesce(chunks.Reader) is { } chunk)
                {
                    yield return chunk;
                }
            }
        }
        finally
        {
            await readerLeft.CancelAsync();
            await producer;
        }
    }

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
        while (reader.TryPeek(out var next) && next.Completion is null && reader.TryRead(out next))
        {
            text.Append(next.Text);
            tokens += next.TokenCount;
        }

        return new GenerationChunk(text.ToString(), tokens);
    }

    private async Task ProduceAsync(GenerationRequest request, ChannelWriter<GenerationChunk> writer, CancellationToken generationCancelled, CancellationToken readerLeft)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(generationCancelled, readerLeft);
        var cancellationToken = stop.Token;
        var started = time.GetTimestamp();
        var promptTokens = 0;
        var generated = 0;
        double firstTokenMs = 0;
        var contextSize = 0;
        var stoppedAtContextEnd = false;
        GenerationCompletion completion;
        var entered = false;
        try
        {
            await _modelGate.WaitAsync(cancellationToken);
            entered = true;
            var model = _loaded ?? throw new InvalidOperationException("No model is loaded on this worker.");
            var prompt = PromptFormatter.Format(model.Weights, request.Messages);
            promptTokens = model.Weights.Tokenize(prompt, true, true, Encoding.UTF8).Length;
            contextSize = (int)model.Parameters.ContextSize!.Value;
            // The last slot stays free: LLamaSharp shifts the context before decoding into it.
            var room = contextSize - promptTokens - 1;
            if (room < 1)
            {
                throw new InvalidOperationException(
                    $"The conversation is {promptTokens} tokens but the context holds {model.Parameters.ContextSize}; start a new chat or load the model with a larger context.");
            }

            // LLamaSharp's context shift never returns on some models (seen with the generated demo
            // model), so an answer stops where the window ends and says so.
            stoppedAtContextEnd = room < request.Sampling.MaxTokens;
            var executor = new StatelessExecutor(model.Weights, model.Parameters, logger);
            var inference = new InferenceParams
            {
                MaxTokens = Math.Min(request.Sampling.MaxTokens, room),
                SamplingPipeline = CreateSampler(model.Weights, request.Sampling),
            };

            await foreach (var piece in executor.InferAsync(prompt, inference, cancellationToken))
            {
                if (generated++ == 0)
                {
                    firstTokenMs = time.GetElapsedTime(started).TotalMilliseconds;
                }

                await writer.WriteAsync(new GenerationChunk(piece, 1), cancellationToken);
            }

            // LLamaSharp ends the enumeration quietly on cancellation rather than throwing.
            var outcome = cancellationToken.IsCancellationRequested ? GenerationOutcome.Cancelled : GenerationOutcome.Completed;
            completion = new GenerationCompletion(
                outcome, null, promptTokens, generated, firstTokenMs, time.GetElapsedTime(started).TotalMilliseconds,
                contextSize, outcome == GenerationOutcome.Completed && stoppedAtContextEnd && generated >= room);
        }
        catch (OperationCanceledException)
        {
            completion = new GenerationCompletion(GenerationOutcome.Cancelled, null, promptTokens, generated, firstTokenMs, time.GetElapsedTime(started).TotalMilliseconds, contextSize);
        }
        catch (Exception ex) when (ex is InvalidOperationException or RuntimeError or ArgumentException)
        {
            LogGenerationFailed(logger, ex, request.RequestId);
            completion = new GenerationCompletion(GenerationOutcome.Failed, ex.Message, promptTokens, generated, firstTokenMs, time.GetElapsedTime(started).TotalMilliseconds, contextSize);
        }
        finally
        {
            if (entered)
            {
                _modelGate.Release();
            }
        }

        LogGenerationEnded(logger, request.RequestId, completion.Outcome, completion.GeneratedTokens, completion.TotalMs);

        try
        {
            // Written even after a cancel, so the dashboard learns the outcome; skipped only when nobody reads.
            await writer.WriteAsync(GenerationChunk.Final(completion), readerLeft);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            writer.Complete();
        }
    }

    private static DefaultSamplingPipeline CreateSampler(LLamaWeights weights, SamplingSettings sampling)
    {
        var bias = new Dictionary<LLamaToken, float>();
        if (sampling.IgnoreEndOfSequence && weights.Vocab.EOS is { } eos)
        {
            bias[eos] = float.NegativeInfinity;
        }

        return new DefaultSamplingPipeline
        {
            Temperature = sampling.Temperature,
            TopP = sampling.TopP,
            TopK = sampling.TopK,
            MinP = sampling.MinP,
            RepeatPenalty = sampling.RepeatPenalty,
            Seed = sampling.Seed,
            LogitBias = bias,
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _modelGate.WaitAsync();
        _loaded?.Weights.Dispose();
        _loaded = null;
        _modelGate.Release();
        _modelGate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Path} in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string path, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Path}")]
    private static partial void LogUnloaded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading {Path} failed")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading {Path} was cancelled")]
    private static partial void LogLoadCancelled(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generation {RequestId} {Outcome}: {Tokens} tokens in {Milliseconds:F0} ms")]
    private static partial void LogGenerationEnded(ILogger logger, Guid requestId, GenerationOutcome outcome, int tokens, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generation {RequestId} failed")]
    private static partial void LogGenerationFailed(ILogger logger, Exception exception, Guid requestId);

    private sealed record LoadedModel(string Path, LLamaWeights Weights, ModelParams Parameters);
}
