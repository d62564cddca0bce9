using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Batched;
using LLama.Native;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Runtime;

/// <summary>
/// Continuous batching on one llama.cpp context: up to <see cref="Slots"/> answers share every decode step, and a new
/// request joins at the next step instead of waiting for the others to finish. One loop owns the context (llama.cpp
/// contexts are not thread-safe); requests reach it through a channel and leave through each job's own channel.
/// </summary>
internal sealed partial class SequenceBatcher : IAsyncDisposable
{
    private readonly LLamaWeights _weights;
    private readonly BatchedExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<SequenceJob> _incoming = Channel.CreateUnbounded<SequenceJob>();
    private readonly Queue<SequenceJob> _waiting = new();
    private readonly List<SequenceJob> _active = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _activeCount;
    private int _queuedCount;
    private volatile bool _closed;
    private TaskCompletionSource _idle = NewIdleSignal(completed: true);

    public SequenceBatcher(LLamaWeights weights, BatchedExecutor executor, int slots, int contextPerSequence, TimeProvider time, ILogger logger)
    {
        _weights = weights;
        _executor = executor;
        Slots = slots;
        ContextPerSequence = contextPerSequence;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Sequences decoded together at most (llama.cpp's n_seq_max).</summary>
    public int Slots { get; }

    /// <summary>Tokens each sequence may hold: prompt and answer together.</summary>
    public int ContextPerSequence { get; }

    /// <summary>Answers being generated right now.</summary>
    public int ActiveSequences => Volatile.Read(ref _activeCount);

    /// <summary>Answers waiting for a free slot.</summary>
    public int Queued => Volatile.Read(ref _queuedCount);

    /// <summary>Whether nothing is generating or waiting.</summary>
    public bool IsIdle => ActiveSequences == 0 && Queued == 0;

    /// <summary>Adds a request; its chunks come out of the job's channel, ending with the completion.</summary>
    public void Enqueue(SequenceJob job)
    {
        lock (_incoming)
        {
            if (_closed || !_incoming.Writer.TryWrite(job))
            {
                job.Finish(Failure(job, "The model is being unloaded; send the request again to load it back."));
                return;
            }

            if (_idle.Task.IsCompleted)
            {
                _idle = NewIdleSignal(completed: false);
            }

            Interlocked.Increment(ref _queuedCount);
        }
    }

    /// <summary>Refuses new requests and waits until the answers in progress have ended.</summary>
    public Task CloseAsync(CancellationToken cancellationToken)
    {
        lock (_incoming)
        {
            _closed = true;
            _incoming.Writer.TryComplete();
        }

        return WhenIdleAsync(cancellationToken);
    }

    /// <summary>Completes when nothing is generating or waiting.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_incoming)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_active.Count == 0 && _waiting.Count == 0 && !await WaitForWorkAsync(stopping))
                {
                    break;
                }

                while (_incoming.Reader.TryRead(out var job))
                {
                    _waiting.Enqueue(job);
                }

                Admit();
                RetireCancelled();
                PromptInSequenceOrder();
                if (_executor.BatchedTokenCount > 0)
                {
                    // Not cancellable mid-step: a decode takes milliseconds and leaves the context consistent.
                    var result = await _executor.Infer(CancellationToken.None);
                    if (result != DecodeResult.Ok)
                    {
                        FailActive($"llama.cpp could not decode the batch ({result}); the window of this model may be full.");
                        continue;
                    }
                }

                SampleReady();
            }
        }
#pragma warning disable CA1031 // The loop serves every answer of this model: whatever stops it must end them all with the reason.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLoopFailed(_logger, ex);
            FailActive($"Generation stopped: {ex.Message}");
        }
        finally
        {
            _closed = true;
            _incoming.Writer.TryComplete();
            while (_incoming.Reader.TryRead(out var late))
            {
                _waiting.Enqueue(late);
            }

            foreach (var job in _waiting.Concat(_active).ToList())
            {
                job.Finish(Failure(job, "The model was unloaded before the answer ended."));
            }

            _waiting.Clear();
            _active.Clear();
            UpdateCounts();
        }
    }

    private async Task<bool> WaitForWorkAsync(CancellationToken stopping)
    {
        UpdateCounts();
        try
        {
            return await _incoming.Reader.WaitToReadAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Admit()
    {
        while (_active.Count < Slots && _waiting.TryDequeue(out var job))
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                job.Finish(Cancelled(job));
                continue;
            }

            try
            {
                Start(job);
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or ArgumentException or InvalidOperationException)
            {
                job.Finish(Failure(job, ex.Message));
            }
        }

        UpdateCounts();
    }

    private void Start(SequenceJob job)
    {
        var tokens = job.Request.Suffix is { } suffix
            ? FillInMiddlePrompt.Tokenize(_weights, job.Prompt, suffix)
            : _weights.Tokenize(job.Prompt, true, true, Encoding.UTF8);
        if (tokens is null)
        {
            job.Finish(Failure(job, FillInMiddlePrompt.Missing, GenerationFailureReason.NoFillInMiddleTokens));
            return;
        }

        job.PromptTokens = tokens.Length;
        // The last cell stays free, as llama.cpp's own server keeps it.
        var room = ContextPerSequence - tokens.Length - 1;
        if (room < 1)
        {
            job.Finish(Failure(job,
                $"The conversation is {tokens.Length} tokens but the context holds {ContextPerSequence}; start a new chat or load the model with a larger context.",
                GenerationFailureReason.PromptExceedsContext));
            return;
        }

        job.Budget = Math.Min(job.Request.Sampling.MaxTokens, room);
        job.LimitedByContext = room < job.Request.Sampling.MaxTokens;
        job.Sampler = SequenceJob.CreateSampler(_weights, job.Request.Sampling);
        job.Decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights);
        job.Conversation = _executor.Create();
        job.Pending = tokens;
        _active.Add(job);
    }

    // Each KV stream is its own sequence (KVUnified off), and llama.cpp then puts sequences into one micro-batch only
    // while their ids ascend one by one; a batch in any other order is decoded as several, one after another
    // (measured: 4 streams in descending order took 4 times as long as in ascending order). So the tokens of a step
    // are queued here, once, in sequence id order.
    private void PromptInSequenceOrder()
    {
        _active.Sort(static (a, b) => a.Conversation!.ConversationId.Value.CompareTo(b.Conversation!.ConversationId.Value));
        List<SequenceJob>? refused = null;
        foreach (var job in _active)
        {
            if (job.Pending is not { } tokens)
            {
                continue;
            }

            job.Pending = null;
            try
            {
                job.Conversation!.Prompt(tokens);
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or ArgumentException or InvalidOperationException)
            {
                (refused ??= []).Add(job);
                job.Finish(Failure(job, ex.Message));
            }
        }

        if (refused is not null)
        {
            _active.RemoveAll(refused.Contains);
            UpdateCounts();
        }
    }

    // A sequence with tokens still queued for decoding is freed only after that step, so its id is never reused early.
    private void RetireCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (job.Cancellation.IsCancellationRequested && job.Conversation is { RequiresInference: false })
            {
                _active.RemoveAt(i);
                job.Finish(Cancelled(job));
            }
        }

        UpdateCounts();
    }

    private void SampleReady()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (job.Conversation is not { RequiresSampling: true } conversation)
            {
                continue;
            }

            if (job.Cancellation.IsCancellationRequested)
            {
                _active.RemoveAt(i);
                job.Finish(Cancelled(job));
                continue;
            }

            LLamaToken token;
            try
            {
                token = conversation.Sample(job.Sampler!);
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or ArgumentException or InvalidOperationException)
            {
                // A grammar llama.cpp refuses fails its own answer only, never the others in the batch.
                _active.RemoveAt(i);
                job.Finish(Failure(job, $"The sampler could not be built: {ex.Message}"));
                continue;
            }

            if (job.Generated == 0)
            {
                job.FirstTokenMs = _time.GetElapsedTime(job.StartedAt).TotalMilliseconds;
            }

            if (!job.Request.Sampling.IgnoreEndOfSequence && token.IsEndOfGeneration(_weights.Vocab))
            {
                _active.RemoveAt(i);
                job.Finish(Completed(job, stoppedAtContextEnd: false));
                continue;
            }

            job.Generated++;
            job.Decoder!.Add(token);
            var text = job.Decoder.Read();
            job.Chunks.Writer.TryWrite(new GenerationChunk(text, 1));
            job.StopScanner.Push(text);
            if (job.StopScanner.Stopped)
            {
                // The token that completed a stop sequence is the last one counted; the caller cuts the text.
                _active.RemoveAt(i);
                job.Finish(Completed(job, stoppedAtContextEnd: false) with { StoppedAtStopSequence = true });
                continue;
            }

            if (job.Generated >= job.Budget)
            {
                _active.RemoveAt(i);
                job.Finish(Completed(job, stoppedAtContextEnd: job.LimitedByContext));
                continue;
            }

            job.Pending = [token];
        }

        UpdateCounts();
    }

    private void FailActive(string reason)
    {
        foreach (var job in _active)
        {
            job.Finish(Failure(job, reason));
        }

        _active.Clear();
        UpdateCounts();
    }

    private void UpdateCounts()
    {
        // Under the lock Enqueue takes, so a request arriving now is never missed by the idle signal.
        lock (_incoming)
        {
            Volatile.Write(ref _activeCount, _active.Count);
            Volatile.Write(ref _queuedCount, _waiting.Count + _incoming.Reader.Count);
            if (_active.Count == 0 && _waiting.Count == 0 && _incoming.Reader.Count == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private GenerationCompletion Completed(SequenceJob job, bool stoppedAtContextEnd) => new(
        GenerationOutcome.Completed, null, job.PromptTokens, job.Generated, job.FirstTokenMs, Elapsed(job), ContextPerSequence, stoppedAtContextEnd);

    private GenerationCompletion Cancelled(SequenceJob job) => new(
        GenerationOutcome.Cancelled, null, job.PromptTokens, job.Generated, job.FirstTokenMs, Elapsed(job), ContextPerSequence);

    private GenerationCompletion Failure(SequenceJob job, string error, GenerationFailureReason reason = GenerationFailureReason.None) => new(
        GenerationOutcome.Failed, error, job.PromptTokens, job.Generated, job.FirstTokenMs, Elapsed(job), ContextPerSequence, FailureReason: reason);

    private double Elapsed(SequenceJob job) => _time.GetElapsedTime(job.StartedAt).TotalMilliseconds;

    private static TaskCompletionSource NewIdleSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    /// <summary>Stops the loop (ending what is left as failed) and frees the context.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _incoming.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _executor.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The decode loop stopped")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
