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

/// <summary>The loaded model, with its size as llama.cpp reported it (the worker does not report VRAM use, so <see cref="SizeVram"/> is 0).</summary>
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
