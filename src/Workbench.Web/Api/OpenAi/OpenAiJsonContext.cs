using System.Text.Json.Serialization;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Source-generated JSON for the OpenAI-compatible API: snake_case names, nulls left out unless a field says otherwise.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(TextCompletionRequest))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingList))]
[JsonSerializable(typeof(EmbeddingListBase64))]
[JsonSerializable(typeof(OpenAiErrorEnvelope))]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(ChatTokenLogprob))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
