namespace Workbench.Web.Api.Ollama;

/// <summary>Answer of <c>GET /api/tags</c>.</summary>
public sealed record OllamaModelList(IReadOnlyList<OllamaModel> Models);

/// <summary>A model of the library as Ollama lists it.</summary>
public sealed record OllamaModel(string Name, string Model, string ModifiedAt, long Size, string Digest, OllamaModelDetails Details);

/// <summary>What Ollama tells about a model.</summary>
public sealed record OllamaModelDetails(
    string ParentModel,
    string Format,
    string Family,
    IReadOnlyList<string>? Families,
    string ParameterSize,
    string QuantizationLevel);

/// <summary>Answer of <c>GET /api/ps</c>.</summary>
public sealed record OllamaRunningModelList(IReadOnlyList<OllamaRunningModel> Models);

/// <summary>
/// The loaded model: <see cref="Size"/> is every buffer llama.cpp allocated for it (weights, KV cache, compute), and
/// <see cref="SizeVram"/> the part of them on GPUs (0 on the CPU backend), as Ollama reports them.
/// </summary>
public sealed record OllamaRunningModel(
    string Name,
    string Model,
    long Size,
    string Digest,
    OllamaModelDetails Details,
    string ExpiresAt,
    long SizeVram,
    int ContextLength);

/// <summary>Answer of <c>GET /api/version</c>.</summary>
public sealed record OllamaVersion(string Version);

/// <summary>Ollama's error body: <c>{"error":"..."}</c>.</summary>
public sealed record OllamaError(string Error);
