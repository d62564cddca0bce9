using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Runtime;

/// <summary>
/// Continuous batching on one llama.cpp context: up to <see cref="Slots"/> answers share every decode step, and a new
/// request joins at the next step instead of waiting for the others to finish. One thread owns the context (llama.cpp
/// contexts are not thread-safe, and its OpenMP threads stay warm for one caller); requests reach it through a
/// channel and leave through each job's own channel. Each step's batch holds one token per answer being generated
/// and, in what room is left, the next part of any prompt still being read, in ascending sequence id order.
/// </summary>
internal sealed partial class SequenceBatcher : IAsyncDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();
    private readonly SequenceSlots _sequences;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<SequenceJob> _incoming = Channel.CreateUnbounded<SequenceJob>();
    private readonly Queue<SequenceJob> _waiting = new();
    private readonly List<SequenceJob> _active = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _loop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _activeCount;
    private int _queuedCount;
    private volatile bool _closed;
    private TaskCompletionSource _idle = NewIdleSignal(completed: true);
    private float[] _logprobScratch = [];

    public SequenceBatcher(LLamaWeights weights, LLamaContext context, int slots, int contextPerSequence, TimeProvider time, ILogger logger)
    {
        _weights = weights;
        _context = context;
        _sequences = new SequenceSlots(slots);
        Slots = slots;
        ContextPerSequence = contextPerSequence;
        _time = time;
        _logger = logger;
        new Thread(Run) { IsBackground = true, Name = "llama.cpp decode" }.Start();
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

    private void Run()
    {
        var stopping = _stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_active.Count == 0 && _waiting.Count == 0 && !WaitForWork(stopping))
                {
                    break;
                }

                while (_incoming.Reader.TryRead(out var job))
                {
                    _waiting.Enqueue(job);
                }

                RetireCancelled();
                Admit();
                if (FillBatch() > 0)
                {
                    // Not cancellable mid-step: a decode takes milliseconds and leaves the context consistent.
                    var result = _context.NativeHandle.Decode(_batch);
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
            _loop.TrySetResult();
        }
    }

    // Blocks this thread (it has nothing else to do) until a request arrives or the batcher stops.
    private bool WaitForWork(CancellationToken stopping)
    {
        UpdateCounts();
        try
        {
            return _incoming.Reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Runs right after RetireCancelled, which has already ended the waiting requests that were cancelled.
    private void Admit()
    {
        while (_active.Count < Slots && _waiting.TryDequeue(out var job))
        {
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
        job.PromptTokenIds = tokens;
        job.SequenceId = _sequences.Take() ?? throw new InvalidOperationException("No free sequence id for an admitted answer.");
        _active.Add(job);
    }

    // One token for every answer being generated; the room left in llama.cpp's batch goes to prompts still being
    // read, so a long prompt never holds up the answers already streaming. Tokens go in ascending sequence id order
    // (see SequenceSlots). Returns the tokens queued.
    private int FillBatch()
    {
        _batch.Clear();
        var room = (int)_context.BatchSize - _active.Count(j => j.NextToken is not null);
        _active.Sort(static (a, b) => a.SequenceId.CompareTo(b.SequenceId));
        foreach (var job in _active)
        {
            var sequence = (LLamaSeqId)job.SequenceId;
            if (job.NextToken is { } token)
            {
                job.LogitsIndex = _batch.Add(token, job.Position++, sequence, true);
                job.NextToken = null;
                continue;
            }

            // Logits only for a prompt's last token, once it is read whole.
            var part = Math.Min(room, job.PromptTokenIds.Length - job.PromptDecoded);
            for (var i = 0; i < part; i++)
            {
                var last = ++job.PromptDecoded == job.PromptTokenIds.Length;
                var index = _batch.Add(job.PromptTokenIds[job.PromptDecoded - 1], job.Position++, sequence, last);
                if (last)
                {
                    job.LogitsIndex = index;
                }
            }

            room -= part;
        }

        return _batch.TokenCount;
    }

    // Ends an admitted answer: its KV stream is cleared and its id freed, the highest id moving down into the gap.
    private void Retire(int index, GenerationCompletion completion)
    {
        var job = _active[index];
        _active.RemoveAt(index);
        var handle = _context.NativeHandle;
        handle.MemorySequenceRemove((LLamaSeqId)job.SequenceId, -1, -1);
        if (_sequences.Release(job.SequenceId) is var (from, to))
        {
            // A whole-stream copy (llama.cpp copies streams only whole), done at the next decode before its compute.
            handle.MemorySequenceCopy((LLamaSeqId)from, (LLamaSeqId)to, -1, -1);
            handle.MemorySequenceRemove((LLamaSeqId)from, -1, -1);
            _active.Single(j => j.SequenceId == from).SequenceId = to;
        }

        job.SequenceId = -1;
        job.Finish(completion);
    }

    // Between steps nothing of a sequence is queued in llama.cpp, so a cancelled answer can end at once; one still
    // waiting for a slot ends too, instead of when a slot frees (the others keep their places in the queue).
    private void RetireCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (_active[i].Cancellation.IsCancellationRequested)
            {
                Retire(i, Cancelled(_active[i]));
            }
        }

        for (var waiting = _waiting.Count; waiting > 0; waiting--)
        {
            var job = _waiting.Dequeue();
            if (job.Cancellation.IsCancellationRequested)
            {
                job.Finish(Cancelled(job));
            }
            else
            {
                _waiting.Enqueue(job);
            }
        }

        UpdateCounts();
    }

    private void SampleReady()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var job = _active[i];
            if (job.LogitsIndex < 0)
            {
                continue;
            }

            var logits = job.LogitsIndex;
            job.LogitsIndex = -1;
            if (job.Cancellation.IsCancellationRequested)
            {
                Retire(i, Cancelled(job));
                continue;
            }

            LLamaToken token;
            try
            {
                token = job.Sampler!.Sample(_context.NativeHandle, logits);
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or ArgumentException or InvalidOperationException)
            {
                // A grammar llama.cpp refuses fails its own answer only, never the others in the batch.
                Retire(i, Failure(job, $"The sampler could not be built: {ex.Message}"));
                continue;
            }

            if (job.Generated == 0)
            {
                job.FirstTokenMs = _time.GetElapsedTime(job.StartedAt).TotalMilliseconds;
            }

            if (!job.Request.Sampling.IgnoreEndOfSequence && token.IsEndOfGeneration(_weights.Vocab))
            {
                Retire(i, Completed(job, stoppedAtContextEnd: false));
                continue;
            }

            job.Generated++;
            job.Decoder!.Add(token);
            var text = job.Decoder.Read();
            var logprobs = job.Request.Sampling.Logprobs is { } alternatives ? new[] { LogprobOf(logits, token, alternatives) } : null;
            job.Chunks.Writer.TryWrite(new GenerationChunk(text, 1, Logprobs: logprobs));
            job.StopScanner.Push(text);
            if (job.StopScanner.Stopped)
            {
                // The token that completed a stop sequence is the last one counted; the caller cuts the text.
                Retire(i, Completed(job, stoppedAtContextEnd: false) with { StoppedAtStopSequence = true });
                continue;
            }

            if (job.Generated >= job.Budget)
            {
                Retire(i, Completed(job, stoppedAtContextEnd: job.LimitedByContext));
                continue;
            }

            job.NextToken = token;
        }

        UpdateCounts();
    }

    // From the logits the token was sampled from (samplers work on a copy, so these are the model's own).
    private TokenLogprob LogprobOf(int logitsIndex, LLamaToken token, int alternatives)
    {
        var logits = _context.NativeHandle.GetLogitsIth(logitsIndex);
        if (_logprobScratch.Length < logits.Length)
        {
            _logprobScratch = new float[logits.Length];
        }

        var count = Math.Clamp(alternatives, 0, SamplingSettings.MaxLogprobAlternatives);
        var (chosen, top) = TokenLogprobs.Compute(logits, (int)token, count, _logprobScratch);
        var bytes = PieceOf(token);
        return new TokenLogprob(Encoding.UTF8.GetString(bytes), chosen, bytes, [.. top.Select(Alternative)]);
    }

    private TokenAlternative Alternative((int Token, double Logprob) likely)
    {
        var bytes = PieceOf((LLamaToken)likely.Token);
        return new TokenAlternative(Encoding.UTF8.GetString(bytes), likely.Logprob, bytes);
    }

    private byte[] PieceOf(LLamaToken token)
    {
        Span<byte> buffer = stackalloc byte[128];
        var length = (int)_weights.NativeHandle.TokenToSpan(token, buffer);
        if (length <= buffer.Length)
        {
            return buffer[..length].ToArray();
        }

        var whole = new byte[length];
        _weights.NativeHandle.TokenToSpan(token, whole);
        return whole;
    }

    private void FailActive(string reason)
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            Retire(i, Failure(_active[i], reason));
        }

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
        await _loop.Task;
        _context.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The decode loop stopped")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
