using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary>
/// The Ollama-compatible API under <c>/api</c>, so Ollama clients (OllamaSharp, Open WebUI, editors) pointed at this
/// host run on the worker. Errors use Ollama's shape, <c>{"error":"..."}</c>.
/// </summary>
public static class OllamaEndpoints
{
    /// <summary>The API's name in the request log.</summary>
    internal const string ApiName = "Ollama";

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapOllamaApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("Ollama-compatible").RequireApiKey(Error).DisableAntiforgery();
        api.MapGet("/version", () => TypedResults.Json(new OllamaVersion(AppVersion.Current), OllamaJsonContext.Default.OllamaVersion))
            .WithName("OllamaVersion")
            .WithSummary("The Workbench version.");
        api.MapGet("/tags", ListModels)
            .WithName("OllamaListModels")
            .WithSummary("Models the worker can serve.");
        api.MapGet("/ps", ListRunning)
            .WithName("OllamaListRunning")
            .WithSummary("The loaded model and its size in memory.");
        api.MapPost("/show", OllamaShow.ShowAsync)
            .WithName("OllamaShow")
            .WithSummary("A model's details, GGUF facts and chat template.");
        api.MapPost("/chat", OllamaGeneration.ChatAsync)
            .WithName("OllamaChat")
            .WithSummary("Answers a conversation; streams JSON lines unless 'stream' is false.");
        api.MapPost("/generate", OllamaGeneration.GenerateAsync)
            .WithName("OllamaGenerate")
            .WithSummary("Continues a prompt; streams JSON lines unless 'stream' is false. An empty prompt only loads the model (keep_alive 0 unloads it).");
        api.MapPost("/embed", OllamaEmbeddings.EmbedAsync)
            .WithName("OllamaEmbed")
            .WithSummary("One unit-length vector per input string.");
        api.MapPost("/embeddings", OllamaEmbeddings.EmbeddingsAsync)
            .WithName("OllamaEmbeddings")
            .WithSummary("The older embedding endpoint: one vector for 'prompt'.");
        api.MapUnknownEndpoints("/api", ApiName, Unsupported, Error);
        return api;
    }

    // Ollama's model-management endpoints: Workbench serves the GGUF files of its library and never changes them for a client.
    private const string LibraryOnly = "Workbench serves the GGUF files in its model library and does not change them for API clients; "
        + "put model files in a model folder (Settings page) and they appear in /api/tags.";

    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pull"] = LibraryOnly,
        ["push"] = LibraryOnly,
        ["create"] = LibraryOnly,
        ["copy"] = LibraryOnly,
        ["delete"] = LibraryOnly,
        ["blobs"] = LibraryOnly,
    };

    /// <summary>A refusal in Ollama's error shape.</summary>
    internal static IResult Error(ApiRequestException refusal) =>
        TypedResults.Json(new OllamaError(refusal.Message), OllamaJsonContext.Default.OllamaError, statusCode: refusal.StatusCode);

    /// <summary>Ollama's timestamps: ISO 8601 in UTC.</summary>
    internal static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static JsonHttpResult<OllamaModelList> ListModels(CompatModelResolver models) =>
        TypedResults.Json(
            new OllamaModelList([.. models.Models.Select(m => new OllamaModel(
                TaggedName(m.Name), TaggedName(m.Name), Timestamp(File.Exists(m.Path) ? File.GetLastWriteTimeUtc(m.Path) : DateTime.UnixEpoch),
                m.Descriptor.FileBytes, m.Descriptor.Id, Details(m)))]),
            OllamaJsonContext.Default.OllamaModelList);

    private static JsonHttpResult<OllamaRunningModelList> ListRunning(
        CompatModelResolver models, Workers.WorkerRegistry registry, Workers.ModelKeepAlive keepAlive)
    {
        var running = new List<OllamaRunningModel>();
        foreach (var resident in registry.Workers.SelectMany(w => w.Resident).OrderByDescending(m => m.LastUsed))
        {
            var loaded = resident.Load;
            var model = models.Models.FirstOrDefault(m => m.Path == resident.Path);
            var name = TaggedName(model?.Name ?? Path.GetFileNameWithoutExtension(resident.Path));
            // What llama.cpp allocated when it said so; the weights alone otherwise.
            var size = loaded.Buffers is { TotalBytes: > 0 } buffers ? buffers.TotalBytes : (long)loaded.SizeBytes;
            // A model in use or kept forever has no expiry; Ollama shows a far-future time for those.
            var expires = keepAlive.UnloadsAt(resident) ?? DateTimeOffset.MaxValue;
            running.Add(new OllamaRunningModel(
                name, name, size, model?.Descriptor.Id ?? string.Empty,
                model is null ? new OllamaModelDetails(string.Empty, "gguf", string.Empty, null, string.Empty, string.Empty) : Details(model),
                Timestamp(expires), loaded.Buffers?.GpuBytes ?? 0, loaded.ContextSize));
        }

        return TypedResults.Json(new OllamaRunningModelList(running), OllamaJsonContext.Default.OllamaRunningModelList);
    }

    /// <summary>Ollama clients expect "name:tag"; a library name without a tag gets ":latest".</summary>
    internal static string TaggedName(string name) => name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";

    internal static OllamaModelDetails Details(ServableModel model)
    {
        var family = model.Descriptor.Architecture.Name ?? string.Empty;
        return new OllamaModelDetails(
            string.Empty, "gguf", family, family.Length > 0 ? [family] : null,
            ParameterSize(model.Descriptor.ParameterCount), model.Descriptor.QuantLabel ?? string.Empty);
    }

    private static string ParameterSize(long? parameters) => parameters switch
    {
        null => string.Empty,
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{parameters / 1e9:0.#}B"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{parameters / 1e6:0.#}M"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{parameters / 1e3:0.#}K"),
    };
}
