using Microsoft.Extensions.Options;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary><c>POST /api/embed</c> (one or many inputs) and the older <c>POST /api/embeddings</c> (one prompt).</summary>
internal static class OllamaEmbeddings
{
    public static async Task<IResult> EmbedAsync(
        HttpContext http, ApiClientQuota quota, ApiEmbeddings embeddings, CompatModelResolver models, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OllamaEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var body = await JsonRequestBody.ReadAsync(http, OllamaJsonContext.Default.OllamaEmbedRequest, options.CurrentValue.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            var texts = EmbeddingInput.Texts(body.Input, "input");
            var keepAlive = OllamaKeepAlive.Parse(body.KeepAlive);
            var (model, result) = await embeddings.EmbedAsync(call, body.Model, texts, http.RequestAborted);
            models.SetKeepAlive(model, keepAlive);
            var nanoseconds = (long)((time.GetUtcNow() - call.ArrivedAt).TotalMilliseconds * 1_000_000);
            return TypedResults.Json(
                new OllamaEmbedResponse(OllamaEndpoints.TaggedName(model), result.Vectors, nanoseconds, 0, result.PromptTokens),
                OllamaJsonContext.Default.OllamaEmbedResponse);
        }
        catch (ApiRequestException refusal)
        {
            embeddings.RecordRejected(call, refusal);
            return OllamaEndpoints.Error(refusal);
        }
    }

    public static async Task<IResult> EmbeddingsAsync(
        HttpContext http, ApiClientQuota quota, ApiEmbeddings embeddings, CompatModelResolver models, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OllamaEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var body = await JsonRequestBody.ReadAsync(http, OllamaJsonContext.Default.OllamaEmbeddingsRequest, options.CurrentValue.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            var keepAlive = OllamaKeepAlive.Parse(body.KeepAlive);
            var (model, result) = await embeddings.EmbedAsync(call, body.Model, [body.Prompt ?? string.Empty], http.RequestAborted);
            models.SetKeepAlive(model, keepAlive);
            return TypedResults.Json(new OllamaEmbeddingsResponse(result.Vectors[0]), OllamaJsonContext.Default.OllamaEmbeddingsResponse);
        }
        catch (ApiRequestException refusal)
        {
            embeddings.RecordRejected(call, refusal);
            return OllamaEndpoints.Error(refusal);
        }
    }

}
