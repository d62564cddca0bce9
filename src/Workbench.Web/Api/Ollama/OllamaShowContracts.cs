using System.Text.Json.Nodes;

namespace Workbench.Web.Api.Ollama;

/// <summary>Body of <c>POST /api/show</c>; older clients send <c>name</c> instead of <c>model</c>.</summary>
public sealed record OllamaShowRequest(string? Model, string? Name, bool? Verbose);

/// <summary>Answer of <c>POST /api/show</c>: what a client needs to know about a model before it uses it.</summary>
/// <param name="Modelfile">An Ollama Modelfile naming the file the worker loads.</param>
/// <param name="Parameters">Default options, one <c>name value</c> line each: <c>num_ctx</c> (the window it is or would be loaded with) and the sampling defaults.</param>
/// <param name="Template">The chat template in the GGUF file (Jinja, as llama.cpp applies it), or empty.</param>
/// <param name="Details">Format, family, size and quantization, as in <c>/api/tags</c>.</param>
/// <param name="ModelInfo">GGUF-style facts: <c>general.architecture</c>, <c>{arch}.context_length</c>, …</param>
/// <param name="Capabilities">What the model can be asked for here: always <c>completion</c>.</param>
/// <param name="ModifiedAt">When the file last changed.</param>
public sealed record OllamaShowResponse(
    string Modelfile,
    string Parameters,
    string Template,
    OllamaModelDetails Details,
    JsonObject ModelInfo,
    IReadOnlyList<string> Capabilities,
    string ModifiedAt);
