using System.Text.Json;

namespace Workbench.Web.Api.Ollama;

/// <summary>Body of <c>POST /api/chat</c>; fields not listed (think…) are ignored.</summary>
public sealed class OllamaChatRequest
{
    public string? Model { get; init; }

    /// <summary>How long the model stays loaded afterwards: seconds or a duration; 0 unloads, negative keeps.</summary>
    public JsonElement? KeepAlive { get; init; }

    public IReadOnlyList<OllamaMessage>? Messages { get; init; }

    /// <summary>Ollama streams unless told <c>false</c>.</summary>
    public bool? Stream { get; init; }

    public OllamaOptions? Options { get; init; }

    /// <summary>Read only to refuse tool calling, which the worker does not do.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>"json" or a JSON Schema: enforced with a grammar.</summary>
    public JsonElement? Format { get; init; }

    /// <summary>true: each generated token comes with its log-probability.</summary>
    public JsonElement? Logprobs { get; init; }

    /// <summary>How many of the most likely tokens to list at each position (0–20); needs <see cref="Logprobs"/>.</summary>
    public JsonElement? TopLogprobs { get; init; }
}

/// <summary>Body of <c>POST /api/generate</c>; fields not listed are ignored.</summary>
public sealed class OllamaGenerateRequest
{
    public string? Model { get; init; }

    /// <summary>How long the model stays loaded afterwards: seconds or a duration; 0 unloads, negative keeps.</summary>
    public JsonElement? KeepAlive { get; init; }

    public string? Prompt { get; init; }

    public string? System { get; init; }

    public bool? Stream { get; init; }

    /// <summary>Give the prompt to the model as it is, without the chat template (and without <see cref="System"/>).</summary>
    public bool? Raw { get; init; }

    public OllamaOptions? Options { get; init; }

    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>"json" or a JSON Schema: enforced with a grammar.</summary>
    public JsonElement? Format { get; init; }

    /// <summary>Text after the insertion point (fill-in-the-middle).</summary>
    public string? Suffix { get; init; }

    /// <summary>true: each generated token comes with its log-probability.</summary>
    public JsonElement? Logprobs { get; init; }

    /// <summary>How many of the most likely tokens to list at each position (0–20); needs <see cref="Logprobs"/>.</summary>
    public JsonElement? TopLogprobs { get; init; }
}

/// <summary>A chat message, in a request or an answer.</summary>
public sealed class OllamaMessage
{
    public string? Role { get; init; }

    public string? Content { get; init; }

    public IReadOnlyList<string>? Images { get; init; }
}

/// <summary>Ollama's model options that map onto the worker's sampling and window; others (mirostat…) are ignored.</summary>
public sealed class OllamaOptions
{
    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public float? MinP { get; init; }

    public float? RepeatPenalty { get; init; }

    /// <summary>Token limit; -1 (unlimited) and -2 (fill the context) both run to the end of the context window.</summary>
    public long? NumPredict { get; init; }

    public long? Seed { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>The window per sequence to load the model with, capped at what it was trained for.</summary>
    public long? NumCtx { get; init; }
}

/// <summary>A line of a chat answer; the last one has <see cref="Done"/> and the timings (nanoseconds).</summary>
public sealed record OllamaChatChunk(
    string Model,
    string CreatedAt,
    OllamaAnswerMessage Message,
    bool Done,
    string? DoneReason = null,
    long? TotalDuration = null,
    long? LoadDuration = null,
    int? PromptEvalCount = null,
    long? PromptEvalDuration = null,
    int? EvalCount = null,
    long? EvalDuration = null)
{
    /// <summary>The tokens of this line with their log-probabilities (on a whole answer, all of them), when asked for.</summary>
    public IReadOnlyList<OllamaLogprob>? Logprobs { get; init; }
}

/// <summary>The assistant's message in a chat answer.</summary>
public sealed record OllamaAnswerMessage(string Role, string Content);

/// <summary>A line of a generate answer; the last one has <see cref="Done"/> and the timings (nanoseconds).</summary>
public sealed record OllamaGenerateChunk(
    string Model,
    string CreatedAt,
    string Response,
    bool Done,
    string? DoneReason = null,
    long? TotalDuration = null,
    long? LoadDuration = null,
    int? PromptEvalCount = null,
    long? PromptEvalDuration = null,
    int? EvalCount = null,
    long? EvalDuration = null)
{
    /// <summary>The tokens of this line with their log-probabilities (on a whole answer, all of them), when asked for.</summary>
    public IReadOnlyList<OllamaLogprob>? Logprobs { get; init; }
}

/// <summary>Body of <c>POST /api/embed</c>.</summary>
public sealed class OllamaEmbedRequest
{
    public string? Model { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Input { get; init; }

    public JsonElement? KeepAlive { get; init; }
}

/// <summary>Body of the older <c>POST /api/embeddings</c>.</summary>
public sealed class OllamaEmbeddingsRequest
{
    public string? Model { get; init; }

    public string? Prompt { get; init; }

    public JsonElement? KeepAlive { get; init; }
}

/// <summary>Answer of <c>POST /api/embed</c>: durations in nanoseconds, as Ollama reports them.</summary>
public sealed record OllamaEmbedResponse(string Model, IReadOnlyList<float[]> Embeddings, long TotalDuration, long LoadDuration, int PromptEvalCount);

/// <summary>Answer of the older <c>POST /api/embeddings</c>.</summary>
public sealed record OllamaEmbeddingsResponse(float[] Embedding);
