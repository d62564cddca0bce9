using Microsoft.Extensions.Options;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// CORS for the compatible APIs only: a page on an origin listed in <see cref="ApiOptions.CorsOrigins"/> may call
/// <c>/v1</c> and <c>/api</c> (preflight answered here, before sign-in and keys); every other origin gets no CORS
/// headers, so browsers keep refusing it. The dashboard, its own API and its hubs are never opened.
/// </summary>
public sealed class ApiCors(RequestDelegate next, IOptionsMonitor<ApiOptions> options)
{
    private static readonly PathString[] Opened = ["/v1", "/api"];

    /// <summary>Whether a page on <paramref name="origin"/> may call the compatible API at <paramref name="path"/>.</summary>
    public static bool Allows(ApiOptions settings, PathString path, string origin)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return origin.Length > 0
            && Opened.Any(p => path.StartsWithSegments(p))
            && settings.CorsOrigins.Any(allowed => allowed == "*" || string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (!Allows(options.CurrentValue, request.Path, origin))
        {
            return next(context);
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (!HttpMethods.IsOptions(request.Method) || request.Headers.AccessControlRequestMethod.Count == 0)
        {
            return next(context);
        }

        // A preflight: answered here, since it carries no key.
        headers.AccessControlAllowMethods = "GET, POST, DELETE, HEAD, OPTIONS";
        headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.Count > 0
            ? request.Headers.AccessControlRequestHeaders.ToString()
            : "Authorization, Content-Type";
        headers.AccessControlMaxAge = "600";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
