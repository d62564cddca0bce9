using System.Text.Json.Serialization;

namespace Workbench.Core.Protocol;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">"system", "user" or "assistant".</param>
/// <param name="Content">The text of the turn.</param>
public sealed record ChatTurn(string Role, string Content);

/// <summary>Sampling settings for a generation.</summary>
public sealed record SamplingSettings
{
    /// <summary>Softmax temperature; 0 is greedy.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Nucleus sampling threshold.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Keep only the k most likely tokens.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Drop tokens less likely than this fraction of the most likely one; 0 turns it off.</summary>
    public float MinP { get; init; } = 0.05f;

    /// <summary>Penalty on recently generated tokens; 1 turns it off.</summary>
    public float RepeatPenalty { get; init; } = 1.1f;

    /// <summary>Upper bound on generated tokens.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Random seed; the same seed and prompt give the same answer.</summary>
    public uint Seed { get; init; } = 42;

    /// <summary>Keep generating past the end-of-sequence token (like llama.cpp's ignore_eos), for benchmarks and tests.</summary>
    public bool IgnoreEndOfSequence { get; init; }

    /// <summary>
    /// Texts that end the answer: the worker stops at the token that completes one, so the count of generated tokens
    /// is exact (the caller still cuts the text at the sequence itself). Null (none) is left out of saved and exported
    /// conversation settings, as is a null grammar.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? StopSequences { get; init; }

    /// <summary>A llama.cpp GBNF grammar (root rule <c>root</c>) the answer must follow, e.g. for JSON mode; null: free text.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Grammar { get; init; }

    /// <summary>
    /// Log-probabilities to return with each generated token: null for none, else how many of the most likely
    /// alternatives to list beside the chosen token (0 to <see cref="MaxLogprobAlternatives"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Logprobs { get; init; }

    /// <summary>The most alternatives <see cref="Logprobs"/> may ask for, as in OpenAI's API.</summary>
    public const int MaxLogprobAlternatives = 20;

    /// <summary>Value equality, the stop sequences compared item by item (a record would compare the list's reference).</summary>
    public bool Equals(SamplingSettings? other) =>
        other is not null
        && Temperature.Equals(other.Temperature) && TopP.Equals(other.TopP) && TopK == other.TopK && MinP.Equals(other.MinP)
        && RepeatPenalty.Equals(other.RepeatPenalty) && MaxTokens == other.MaxTokens && Seed == other.Seed
        && IgnoreEndOfSequence == other.IgnoreEndOfSequence && Grammar == other.Grammar && Logprobs == other.Logprobs
        && (StopSequences ?? []).SequenceEqual(other.StopSequences ?? [], StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Temperature, TopP, TopK, MinP, RepeatPenalty, MaxTokens, Seed, HashCode.Combine(IgnoreEndOfSequence, Grammar, StopSequences?.Count ?? 0, Logprobs));
}

/// <summary>Asks the worker to answer a conversation with the loaded model.</summary>
/// <param name="RequestId">Id that ties the streamed chunks to this request.</param>
/// <param name="Messages">The conversation so far, oldest first.</param>
/// <param name="Sampling">Sampling settings.</param>
/// <param name="ModelPath">The resident model that answers; null: the one used most recently.</param>
public sealed record GenerationRequest(Guid RequestId, IReadOnlyList<ChatTurn> Messages, SamplingSettings Sampling, string? ModelPath = null)
{
    /// <summary>
    /// Text given to the model as it is, without the chat template (<see cref="Messages"/> is then ignored): Ollama's
    /// <c>raw</c>, OpenAI's text completions, and the text before the insertion point when <see cref="Suffix"/> is set.
    /// </summary>
    public string? RawPrompt { get; init; }

    /// <summary>
    /// Fill-in-the-middle: the text after the insertion point. The worker builds the prompt with the model's own FIM
    /// tokens (GGUF <c>tokenizer.ggml.fim_pre/suf/mid_token_id</c>) around <see cref="RawPrompt"/> and this.
    /// </summary>
    public string? Suffix { get; init; }
}
