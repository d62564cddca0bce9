using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary><c>POST /v1/embeddings</c>: float or base64 vectors, one per input, with usage counts.</summary>
internal static class OpenAiEmbeddings
{
    public static async Task<IResult> HandleAsync(HttpContext http, ApiClientQuota quota, ApiEmbeddings embeddings, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OpenAiEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var body = await JsonRequestBody.ReadAsync(http, OpenAiJsonContext.Default.EmbeddingRequest, options.CurrentValue.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            var texts = EmbeddingInput.Texts(body.Input, "input");
            var base64 = body.EncodingFormat switch
            {
                null or "float" => false,
                "base64" => true,
                _ => throw ApiRequestException.Invalid("encoding_format", $"encoding_format must be 'float' or 'base64', not '{body.EncodingFormat}'."),
            };
            var (model, result) = await embeddings.EmbedAsync(call, body.Model, texts, http.RequestAborted);
            if (body.Dimensions is { } dimensions && result.Vectors.Count > 0 && dimensions != result.Vectors[0].Length)
            {
                throw ApiRequestException.Invalid("dimensions", $"'{model}' gives vectors of {result.Vectors[0].Length} dimensions; it cannot shorten them to {dimensions}.");
            }

            var usage = new EmbeddingUsage(result.PromptTokens, result.PromptTokens);
            return base64
                ? TypedResults.Json(
                    new EmbeddingListBase64("list", [.. result.Vectors.Select((v, i) => new EmbeddingVectorBase64("embedding", i, Base64(v)))], model, usage),
                    OpenAiJsonContext.Default.EmbeddingListBase64)
                : TypedResults.Json(
                    new EmbeddingList("list", [.. result.Vectors.Select((v, i) => new EmbeddingVector("embedding", i, v))], model, usage),
                    OpenAiJsonContext.Default.EmbeddingList);
        }
        catch (ApiRequestException refusal)
        {
            embeddings.RecordRejected(call, refusal);
            return OpenAiEndpoints.Error(refusal);
        }
    }

    // OpenAI's base64 encoding: the float32 values' bytes, little-endian, as every machine .NET runs on stores them.
    private static string Base64(float[] vector) => Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()));
}
