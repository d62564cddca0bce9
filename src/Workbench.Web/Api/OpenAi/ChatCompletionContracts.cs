using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Body of <c>POST /v1/chat/completions</c>; fields not listed are ignored.</summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; init; }

    public IReadOnlyList<ChatCompletionMessage>? Messages { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    /// <summary>Not in OpenAI's API; accepted as llama.cpp's server does.</summary>
    public int? TopK { get; init; }

    /// <summary>Not in OpenAI's API; accepted as llama.cpp's server does.</summary>
    public float? MinP { get; init; }

    /// <summary>Not in OpenAI's API; accepted as llama.cpp's server does.</summary>
    public float? RepetitionPenalty { get; init; }

    /// <summary>The older name of the token limit.</summary>
    public long? MaxTokens { get; init; }

    /// <summary>The newer name of the token limit, which the OpenAI SDKs send; wins over <see cref="MaxTokens"/>.</summary>
    public long? MaxCompletionTokens { get; init; }

    public long? Seed { get; init; }

    [JsonConverter(typeof(StringOrStringArrayConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    public int? N { get; init; }

    /// <summary>Read only to refuse tool calling, which the worker does not do.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c>: enforced with a grammar.</summary>
    public JsonElement? ResponseFormat { get; init; }

    /// <summary>true: each generated token comes with its log-probability.</summary>
    public JsonElement? Logprobs { get; init; }

    /// <summary>How many of the most likely tokens to list at each position (0–20); needs <see cref="Logprobs"/>.</summary>
    public JsonElement? TopLogprobs { get; init; }
}

/// <summary>One message of a chat request.</summary>
public sealed class ChatCompletionMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }
}

/// <summary>Streaming settings of a request.</summary>
public sealed class StreamOptions
{
    /// <summary>Send a last chunk with usage counts and no choices.</summary>
    public bool? IncludeUsage { get; init; }
}

/// <summary>A whole chat answer.</summary>
public sealed record ChatCompletion(
    string Id,
    [property: JsonPropertyName("object")] string Kind,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChoice> Choices,
    CompletionUsage Usage);

/// <summary>The one choice of an answer.</summary>
public sealed record ChatCompletionChoice(
    int Index,
    AssistantMessage Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ChatLogprobs? Logprobs,
    string FinishReason);

/// <summary>The answer's message.</summary>
public sealed record AssistantMessage(string Role, string Content);

/// <summary>A chunk of a streamed chat answer.</summary>
public sealed record ChatCompletionChunk(
    string Id,
    [property: JsonPropertyName("object")] string Kind,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChunkChoice> Choices,
    CompletionUsage? Usage = null);

/// <summary>The one choice of a chunk.</summary>
public sealed record ChatCompletionChunkChoice(
    int Index,
    ChatCompletionDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ChatLogprobs? Logprobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

/// <summary>What a chunk adds to the message.</summary>
public sealed record ChatCompletionDelta(string? Role, string? Content);

/// <summary>Token counts of a request.</summary>
public sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    /// <summary>Usage from prompt and completion counts.</summary>
    public static CompletionUsage Of(int prompt, int completion) => new(prompt, completion, prompt + completion);
}
