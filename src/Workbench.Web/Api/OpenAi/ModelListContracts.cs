using System.Text.Json.Serialization;
using System.Text.Json;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelList([property: JsonPropertyName("object")] string Kind, IReadOnlyList<ModelEntry> Data);

/// <summary>One model; <see cref="Loaded"/> (not in OpenAI's API) marks the one the worker has loaded.</summary>
public sealed record ModelEntry(string Id, [property: JsonPropertyName("object")] string Kind, long Created, string OwnedBy, bool Loaded);

/// <summary>Body of <c>POST /v1/embeddings</c>, read only to check it.</summary>
public sealed class EmbeddingRequest
{
    public string? Model { get; init; }

    public JsonElement? Input { get; init; }
}
