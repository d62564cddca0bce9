using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Body of <c>POST /v1/completions</c>; fields not listed are ignored.</summary>
public sealed class TextCompletionRequest
{
    public string? Model { get; init; }

    [JsonConverter(typeof(StringOrStringArrayConverter))]
    public IReadOnlyList<string>? Prompt { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public long? MaxTokens { get; init; }

    public long? Seed { get; init; }

    [JsonConverter(typeof(StringOrStringArrayConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    public int? N { get; init; }

    /// <summary>How many of the most likely tokens to list beside each generated one (0–5): asks for log-probabilities.</summary>
    public JsonElement? Logprobs { get; init; }

    /// <summary>Text after the insertion point: fill-in-the-middle with the model's FIM tokens.</summary>
    public string? Suffix { get; init; }

    /// <summary>Send the prompt back before the answer.</summary>
    public bool? Echo { get; init; }
}

/// <summary>A text completion, whole or (streamed) one chunk of it.</summary>
public sealed record TextCompletion(
    string Id,
    [property: JsonPropertyName("object")] string Kind,
    long Created,
    string Model,
    IReadOnlyList<TextCompletionChoice> Choices,
    CompletionUsage? Usage = null);

/// <summary>The one choice of a text completion.</summary>
public sealed record TextCompletionChoice(
    string Text,
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] TextLogprobs? Logprobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);
