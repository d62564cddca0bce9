using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Reads a compatible-API request body by hand rather than through parameter binding, so that malformed JSON,
/// wrong types and oversized bodies become errors in the API's own shape instead of a bare 400 or 500.
/// </summary>
internal static class JsonRequestBody
{
    public static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type, long limit)
        where T : class
    {
        if (http.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted)
                ?? throw new ApiRequestException(StatusCodes.Status400BadRequest, "The request body must be a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            throw new ApiRequestException(StatusCodes.Status400BadRequest, JsonFieldError.Message(ex), JsonFieldError.Field(ex), "invalid_json");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
    }

    private static ApiRequestException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limit} bytes this server accepts (setting {ApiOptions.Section}:MaxRequestBodyBytes).", code: "request_too_large");
}
