using System.Text.Json.Serialization;

namespace Workbench.Core.Protocol;

/// <summary>
/// A piece of a streamed generation. Text chunks carry <see cref="Text"/>; the last chunk of a stream
/// carries <see cref="Completion"/> (finished, cancelled or failed) and no text.
/// </summary>
/// <param name="Text">Generated text since the previous chunk.</param>
/// <param name="TokenCount">Tokens this chunk's text came from.</param>
/// <param name="Completion">Set on the final chunk only.</param>
/// <param name="Logprobs">Each of this chunk's tokens with its log-probability, when the request asked for them.</param>
public sealed record GenerationChunk(
    string Text,
    int TokenCount,
    GenerationCompletion? Completion = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TokenLogprob>? Logprobs = null)
{
    /// <summary>A final chunk.</summary>
    public static GenerationChunk Final(GenerationCompletion completion) => new(string.Empty, 0, completion);
}

/// <summary>How a generation ended.</summary>
public enum GenerationOutcome
{
    /// <summary>End of sequence or the token limit.</summary>
    Completed,

    /// <summary>Stopped by the user or a disconnect.</summary>
    Cancelled,

    /// <summary>The worker could not generate; see the error.</summary>
    Failed,
}

/// <summary>Why a generation failed, where the caller answers differently by reason (an API client's 400 against 500).</summary>
public enum GenerationFailureReason
{
    /// <summary>Not failed, or failed for a reason the caller cannot act on.</summary>
    None,

    /// <summary>The prompt alone fills the context window; <see cref="GenerationCompletion.PromptTokens"/> and <see cref="GenerationCompletion.ContextSize"/> say by how much.</summary>
    PromptExceedsContext,

    /// <summary>Fill-in-the-middle was asked of a model whose vocabulary has no FIM tokens.</summary>
    NoFillInMiddleTokens,
}

/// <summary>Figures for a finished generation.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="PromptTokens">Tokens in the formatted prompt.</param>
/// <param name="GeneratedTokens">Tokens generated.</param>
/// <param name="TimeToFirstTokenMs">From start to the first generated token.</param>
/// <param name="TotalMs">From start to the end.</param>
/// <param name="ContextSize">Context window of the loaded model, in tokens (0 when unknown).</param>
/// <param name="StoppedAtContextEnd">The answer stopped because the context window was full, not at its token limit.</param>
/// <param name="FailureReason">Why it failed, when the reason is one a caller answers differently.</param>
/// <param name="StoppedAtStopSequence">The answer ended at one of the request's stop sequences.</param>
/// <param name="WorkerLost">
/// It failed because the worker's connection ended (so another worker may be tried). Set by the dashboard itself, so
/// it is neither sent over the hub nor saved or exported with a conversation.
/// </param>
/// <remarks>
/// <paramref name="FailureReason"/> and <paramref name="StoppedAtStopSequence"/> are left out of JSON when they hold
/// their defaults, so saved and exported figures keep their shape.
/// </remarks>
public sealed record GenerationCompletion(
    GenerationOutcome Outcome,
    string? Error,
    int PromptTokens,
    int GeneratedTokens,
    double TimeToFirstTokenMs,
    double TotalMs,
    int ContextSize = 0,
    bool StoppedAtContextEnd = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] GenerationFailureReason FailureReason = GenerationFailureReason.None,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool StoppedAtStopSequence = false,
    [property: JsonIgnore] bool WorkerLost = false)
{
    /// <summary>Generated tokens per second after the first token.</summary>
    public double TokensPerSecond =>
        GeneratedTokens > 1 && TotalMs > TimeToFirstTokenMs
            ? (GeneratedTokens - 1) / ((TotalMs - TimeToFirstTokenMs) / 1000.0)
            : 0;

    /// <summary>The token limit the answer was asked with (set by the chat that asked; null when unknown).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TokenLimit { get; init; }

    /// <summary>The seed the answer was sampled with (set by the chat that asked; null when unknown).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Seed { get; init; }

    /// <summary>The answer ended because it reached <see cref="TokenLimit"/>, not at its natural end or the window's.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool StoppedAtTokenLimit =>
        Outcome == GenerationOutcome.Completed && !StoppedAtContextEnd && TokenLimit is { } limit && GeneratedTokens >= limit;

    /// <summary>A failure that happened before any token.</summary>
    public static GenerationCompletion Failure(string error) => new(GenerationOutcome.Failed, error, 0, 0, 0, 0);
}
