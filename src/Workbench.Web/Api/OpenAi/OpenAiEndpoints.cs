using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary>
/// The OpenAI-compatible API under <c>/v1</c>, so OpenAI SDKs and tools pointed at this host run on the worker.
/// Errors use OpenAI's shape and status codes.
/// </summary>
public static class OpenAiEndpoints
{
    /// <summary>The API's name in the request log.</summary>
    internal const string ApiName = "OpenAI";

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/v1").WithTags("OpenAI-compatible").RequireApiKey(Error).DisableAntiforgery();
        api.MapGet("/models", ListModels)
            .WithName("OpenAiListModels")
            .WithSummary("Models the worker can serve; 'loaded' marks the one in memory.");
        api.MapGet("/models/{**id}", GetModel)
            .WithName("OpenAiGetModel")
            .WithSummary("One model by id; 404 model_not_found when the library has none by that name.");
        api.MapPost("/chat/completions", OpenAiChatCompletions.HandleAsync)
            .WithName("OpenAiChatCompletions")
            .WithSummary("Answers a conversation; 'stream': true sends server-sent events ending with [DONE].");
        api.MapPost("/completions", OpenAiTextCompletions.HandleAsync)
            .WithName("OpenAiCompletions")
            .WithSummary("Continues a prompt (sent to the model as one user turn).");
        api.MapPost("/responses", OpenAiResponses.HandleAsync)
            .WithName("OpenAiResponses")
            .WithSummary("The Responses API for text: input and instructions in, output_text out; 'stream': true sends its events.");
        api.MapPost("/embeddings", OpenAiEmbeddings.HandleAsync)
            .WithName("OpenAiEmbeddings")
            .WithSummary("One unit-length vector per input string (float or base64), with any GGUF model in the library.");
        api.MapUnknownEndpoints("/v1", ApiName, Unsupported, Error);
        return api;
    }

    // Endpoints of OpenAI's API that a local text model does not serve, with the reason given to a client that calls them.
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.OrdinalIgnoreCase)
    {
        ["audio"] = "the worker runs text models; there is no speech or transcription.",
        ["images"] = "the worker runs text models; there is no image generation.",
        ["files"] = "there is no file store; send the text in the request.",
        ["uploads"] = "there is no file store; send the text in the request.",
        ["fine_tuning"] = "models are not trained here.",
        ["batches"] = "there is no batch queue; send requests directly (several are answered in parallel).",
        ["moderations"] = "there is no moderation model.",
        ["assistants"] = "the Assistants API is not served; use chat completions.",
        ["threads"] = "the Assistants API is not served; use chat completions.",
        ["vector_stores"] = "there is no vector store; use /v1/embeddings.",
        ["realtime"] = "there is no realtime (audio) session.",
    };

    /// <summary>A refusal in OpenAI's error shape.</summary>
    internal static IResult Error(ApiRequestException refusal) =>
        TypedResults.Json(
            new OpenAiErrorEnvelope(new OpenAiError(refusal.Message, ErrorType(refusal.StatusCode), refusal.Parameter, refusal.Code)),
            OpenAiJsonContext.Default.OpenAiErrorEnvelope,
            statusCode: refusal.StatusCode);

    /// <summary>Seconds since 1970, OpenAI's timestamps.</summary>
    internal static long UnixSeconds(TimeProvider time) => time.GetUtcNow().ToUnixTimeSeconds();

    private static JsonHttpResult<ModelList> ListModels(CompatModelResolver models, TimeProvider time)
    {
        var loaded = models.LoadedName;
        var created = UnixSeconds(time);
        return TypedResults.Json(
            new ModelList("list", [.. models.Models.Select(m => new ModelEntry(m.Name, "model", created, "workbench", m.Name == loaded))]),
            OpenAiJsonContext.Default.ModelList);
    }

    private static IResult GetModel(string id, CompatModelResolver models, TimeProvider time)
    {
        ServableModel? model;
        try
        {
            model = models.Find(id);
        }
        catch (ApiRequestException ambiguous)
        {
            return Error(ambiguous);
        }

        return model is null
            ? Error(new ApiRequestException(StatusCodes.Status404NotFound, $"The model '{id}' does not exist; list the models with GET /v1/models.", "model", "model_not_found"))
            : TypedResults.Json(new ModelEntry(model.Name, "model", UnixSeconds(time), "workbench", model.Name == models.LoadedName), OpenAiJsonContext.Default.ModelEntry);
    }

    private static string ErrorType(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status404NotFound => "not_found_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}
