using System.Text.Json.Serialization;

namespace Workbench.Web.Api.Ollama;

/// <summary>Source-generated JSON for the Ollama-compatible API: snake_case names, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaGenerateRequest))]
[JsonSerializable(typeof(OllamaChatChunk))]
[JsonSerializable(typeof(OllamaGenerateChunk))]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaRunningModelList))]
[JsonSerializable(typeof(OllamaVersion))]
[JsonSerializable(typeof(OllamaError))]
[JsonSerializable(typeof(OllamaShowRequest))]
[JsonSerializable(typeof(OllamaShowResponse))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbeddingsRequest))]
[JsonSerializable(typeof(OllamaEmbedResponse))]
[JsonSerializable(typeof(OllamaEmbeddingsResponse))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;
