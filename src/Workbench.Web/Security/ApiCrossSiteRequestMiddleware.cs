using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Security;

/// <summary>
/// Refuses state-changing API requests a web page on another origin could send. The API trusts this
/// machine, and a page on another localhost port is this machine too: a <c>text/plain</c> or form post
/// needs no CORS preflight, so without this it could run generations or owner actions. A browser always
/// names the page's origin in <c>Origin</c>; SDKs, curl and scripts send none. Origins the owner listed in
/// <c>Workbench:Api:CorsOrigins</c> pass for <c>/v1</c> and <c>/api</c> (never the dashboard's own API).
/// </summary>
public sealed class ApiCrossSiteRequestMiddleware(RequestDelegate next, IOptionsMonitor<ApiOptions> api)
{
    private static readonly PathString[] Guarded = ["/workbench/v1", "/v1", "/api"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsStateChanging(request.Method) || !Guarded.Any(p => request.Path.StartsWithSegments(p)))
        {
            return next(context);
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !OriginCheckMiddleware.IsSameOrigin(origin, request) && !ApiCors.Allows(api.CurrentValue, request.Path, origin))
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden, "cross_site_request",
                $"Requests from pages on another origin ({origin}) are refused; call the API from a program or from this dashboard.");
        }

        if (HasBody(request) && !IsJson(request.ContentType) && (origin.Length > 0 || request.ContentType is not null))
        {
            // A missing Content-Type is allowed only without an Origin: some Ollama clients send none.
            return RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"The body must be JSON, sent as 'Content-Type: application/json'; got '{request.ContentType ?? "none"}'.");
        }

        return next(context);
    }

    private static bool IsStateChanging(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        // The OpenAI error shape: OpenAI clients read it, and it is plain JSON for everyone else.
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error", code } }));
    }
}
