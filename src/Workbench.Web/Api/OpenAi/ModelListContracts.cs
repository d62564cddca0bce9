using System.Text.Json.Serialization;
using System.Text.Json;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelList([property: JsonPropertyName("object")] string Kind, IReadOnlyList<ModelEntry> Data);

/// <summary>One model; <see cref="Loaded"/> (not in OpenAI's API) marks the one the worker has loaded.</summary>
public sealed record ModelEntry(string Id, [property: JsonPropertyName("object")] string Kind, long Created, string OwnedBy, bool Loaded);

/// <summary>Body of <c>POST /v1/embeddings</c>.</summary>
public sealed class EmbeddingRequest
{
    public string? Model { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>"float" (the default) or "base64" (little-endian float32, what the OpenAI SDKs ask for).</summary>
    public string? EncodingFormat { get; init; }

    /// <summary>Not supported: a model's vectors have the width it was trained with.</summary>
    public int? Dimensions { get; init; }
}

/// <summary>Answer of <c>POST /v1/embeddings</c> with float vectors.</summary>
public sealed record EmbeddingList([property: JsonPropertyName("object")] string Kind, IReadOnlyList<EmbeddingVector> Data, string Model, EmbeddingUsage Usage);

/// <summary>One input's vector.</summary>
public sealed record EmbeddingVector([property: JsonPropertyName("object")] string Kind, int Index, float[] Embedding);

/// <summary>Answer of <c>POST /v1/embeddings</c> with base64 vectors.</summary>
public sealed record EmbeddingListBase64([property: JsonPropertyName("object")] string Kind, IReadOnlyList<EmbeddingVectorBase64> Data, string Model, EmbeddingUsage Usage);

/// <summary>One input's vector as base64 of its little-endian float32 values.</summary>
public sealed record EmbeddingVectorBase64([property: JsonPropertyName("object")] string Kind, int Index, string Embedding);

/// <summary>Tokens read.</summary>
public sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);
