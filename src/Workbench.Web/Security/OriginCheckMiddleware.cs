namespace Workbench.Web.Security;

/// <summary>
/// Refuses SignalR and Blazor circuit requests whose <c>Origin</c> is another site: browsers attach cookies
/// to cross-site WebSocket handshakes, so without this a page elsewhere could drive the dashboard
/// (cross-site WebSocket hijacking). Workers are not browsers and send no Origin.
/// </summary>
public sealed class OriginCheckMiddleware(RequestDelegate next)
{
    private static readonly PathString[] Guarded = ["/_blazor", "/hubs"];

    public Task InvokeAsync(HttpContext context)
    {
        if (Guarded.Any(p => context.Request.Path.StartsWithSegments(p))
            && context.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !IsSameOrigin(origin, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("Cross-site connections are refused.");
        }

        return next(context);
    }

    /// <summary>Whether an Origin header names the scheme, host and port this request was made to.</summary>
    public static bool IsSameOrigin(string origin, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
