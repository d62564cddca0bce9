using System.Threading.Channels;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Workbench.Core.Generation;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Runtime;

/// <summary>
/// One answer being produced inside a <see cref="SequenceBatcher"/>: its own llama.cpp sequence, sampler, text decoder,
/// limits, counts and cancellation, so sequences sharing a batch never affect each other.
/// </summary>
internal sealed class SequenceJob(GenerationRequest request, string prompt, long startedAt, CancellationToken cancellationToken)
{
    /// <summary>What was asked.</summary>
    public GenerationRequest Request { get; } = request;

    /// <summary>The formatted prompt text.</summary>
    public string Prompt { get; } = prompt;

    /// <summary>Cancelled by the dashboard, the reader leaving or the worker stopping.</summary>
    public CancellationToken Cancellation { get; } = cancellationToken;

    /// <summary>When the request reached the worker (a <see cref="TimeProvider"/> timestamp).</summary>
    public long StartedAt { get; } = startedAt;

    /// <summary>Chunks for the reader; unbounded so one slow reader never holds up the shared decode loop.</summary>
    public Channel<GenerationChunk> Chunks { get; } = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>The llama.cpp sequence id while admitted; -1 before and after.</summary>
    public int SequenceId { get; set; } = -1;

    /// <summary>The prompt, tokenized.</summary>
    public LLamaToken[] PromptTokenIds { get; set; } = [];

    /// <summary>Prompt tokens decoded so far: a long prompt takes several steps.</summary>
    public int PromptDecoded { get; set; }

    /// <summary>Tokens in this sequence's KV stream, which is the position of the next one.</summary>
    public int Position { get; set; }

    /// <summary>Where this sequence's logits are in the batch just decoded; -1 when it has none to sample.</summary>
    public int LogitsIndex { get; set; } = -1;

    /// <summary>The token sampled last, decoded at the next step.</summary>
    public LLamaToken? NextToken { get; set; }

    /// <summary>This sequence's sampler (its own seed and penalties).</summary>
    public ISamplingPipeline? Sampler { get; set; }

    /// <summary>Turns tokens into text, holding back incomplete UTF-8.</summary>
    public StreamingTokenDecoder? Decoder { get; set; }

    /// <summary>Watches the answer for the request's stop sequences, so it ends at the token that completes one.</summary>
    public StopSequenceScanner StopScanner { get; } = new(request.Sampling.StopSequences ?? []);

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Tokens generated so far.</summary>
    public int Generated { get; set; }

    /// <summary>Most tokens this answer may generate: its limit, or what is left of its window.</summary>
    public int Budget { get; set; }

    /// <summary>The answer stops because the window is full rather than at its own limit.</summary>
    public bool LimitedByContext { get; set; }

    /// <summary>From start to the first token, in milliseconds.</summary>
    public double FirstTokenMs { get; set; }

    /// <summary>Ends the stream with its completion (the batcher frees the sequence).</summary>
    public void Finish(GenerationCompletion completion)
    {
        Chunks.Writer.TryWrite(GenerationChunk.Final(completion));
        Chunks.Writer.TryComplete();
        Sampler?.Dispose();
        Sampler = null;
    }

    /// <summary>Builds the sampler for this request's settings.</summary>
    public static ISamplingPipeline CreateSampler(LLamaWeights weights, SamplingSettings sampling)
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
            Grammar = sampling.Grammar is { Length: > 0 } gbnf ? new Grammar(gbnf, "root") : null,
        };
    }
}
