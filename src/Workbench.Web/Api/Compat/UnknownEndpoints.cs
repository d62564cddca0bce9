using Microsoft.AspNetCore.Routing.Patterns;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// The last route of a compatible API: whatever its other routes do not take is answered in that API's error shape
/// (never the dashboard's HTML page): 501 with the reason for an endpoint the real API has and Workbench does not
/// serve, 405 naming the method for a known path, 404 listing the endpoints otherwise.
/// </summary>
internal static class UnknownEndpoints
{
    /// <summary>Maps the catch-all under <paramref name="api"/>, whose endpoints are at <paramref name="prefix"/>.</summary>
    /// <param name="api">The API's route group.</param>
    /// <param name="prefix">The group's path, e.g. <c>/api</c>.</param>
    /// <param name="apiName">The API's name in messages.</param>
    /// <param name="unsupported">First path segments (below the prefix) of endpoints the real API has, with why they are not served.</param>
    /// <param name="error">The API's error shape.</param>
    public static void MapUnknownEndpoints(
        this RouteGroupBuilder api, string prefix, string apiName, IReadOnlyDictionary<string, string> unsupported, Func<ApiRequestException, IResult> error)
    {
        api.Map("/{**rest}", (HttpContext http, EndpointDataSource endpoints, string? rest) => error(Refusal(http, endpoints, prefix, apiName, rest ?? string.Empty, unsupported)))
            .ExcludeFromDescription();
    }

    private static ApiRequestException Refusal(
        HttpContext http, EndpointDataSource endpoints, string prefix, string apiName, string rest, IReadOnlyDictionary<string, string> unsupported)
    {
        var method = http.Request.Method;
        var path = $"{prefix}/{rest}".TrimEnd('/');
        if (unsupported.TryGetValue(rest.Split('/')[0], out var reason))
        {
            return new ApiRequestException(StatusCodes.Status501NotImplemented, $"{method} {path} is not supported by Workbench: {reason}", code: "not_implemented");
        }

        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith(prefix + "/", StringComparison.Ordinal) && !raw.Contains("{**rest}", StringComparison.Ordinal))
            .Select(e => (Pattern: e.RoutePattern, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        var sameRoute = routes.Where(r => IsLiteral(r.Pattern, path)).SelectMany(r => r.Methods).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (sameRoute.Count > 0)
        {
            http.Response.Headers.Allow = string.Join(", ", sameRoute);
            return new ApiRequestException(
                StatusCodes.Status405MethodNotAllowed, $"{path} takes {string.Join(" or ", sameRoute)}, not {method}.", code: "method_not_allowed");
        }

        var known = routes.SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern.RawText}")).Distinct().Order(StringComparer.Ordinal);
        return new ApiRequestException(
            StatusCodes.Status404NotFound, $"{method} {path} is not an endpoint of the {apiName}-compatible API. Its endpoints: {string.Join(", ", known)}.", code: "unknown_url");
    }

    private static bool IsLiteral(RoutePattern pattern, string path) =>
        pattern.Parameters.Count == 0 && string.Equals(pattern.RawText?.TrimEnd('/'), path, StringComparison.OrdinalIgnoreCase);
}
