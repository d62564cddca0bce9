using System.Text.Json;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Body of <c>POST /v1/responses</c> (text in, text out); fields not listed are ignored.</summary>
public sealed class ResponsesRequest
{
    public string? Model { get; init; }

    /// <summary>A string (one user turn) or an array of messages, each with a role and text content.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>A system turn before the input.</summary>
    public string? Instructions { get; init; }

    public long? MaxOutputTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public bool? Stream { get; init; }

    /// <summary><c>text.format</c>: text, json_object or json_schema (enforced with a grammar).</summary>
    public JsonElement? Text { get; init; }

    /// <summary>Read only to refuse tool calling, which the worker does not do.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>Read only to refuse it: there is no stored conversation to continue.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>Extra output to include; <c>message.output_text.logprobs</c> asks for each token's log-probability.</summary>
    public IReadOnlyList<string>? Include { get; init; }

    /// <summary>How many of the most likely tokens to list at each position (0–20).</summary>
    public JsonElement? TopLogprobs { get; init; }
}
