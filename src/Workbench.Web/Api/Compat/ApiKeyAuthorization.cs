using Microsoft.Extensions.Options;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Lets a compatible-API request through when it carries a valid key as <c>Authorization: Bearer</c>, or when it
/// comes from this machine and the setting trusts loopback. A trusted loopback request passes whatever key it
/// sends, because local tools (the Python openai client among them) insist on sending a placeholder key.
/// </summary>
internal static class ApiKeyAuthorization
{
    /// <summary>Adds the check to <paramref name="group"/>; refusals are answered by <paramref name="error"/>.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, Func<ApiRequestException, IResult> error)
    {
        // The key replaces the dashboard's sign-in cookie here: API clients are programs, not browsers.
        group.AllowAnonymous();
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var refusal = await CheckAsync(http);
            if (refusal is null)
            {
                return await next(context);
            }

            http.Response.Headers.WWWAuthenticate = "Bearer";
            return error(refusal);
        });
        return group;
    }

    private static async Task<ApiRequestException?> CheckAsync(HttpContext http)
    {
        // The same rule as the dashboard's: trusted at the machine itself, a key from anywhere else.
        var access = http.RequestServices.GetRequiredService<IOptions<Security.AccessOptions>>().Value;
        if (access.AllowLoopbackWithoutSignIn && Security.LoopbackAuthenticationHandler.IsLocal(http.Connection.RemoteIpAddress))
        {
            return null;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Unauthorized("This API needs a key: create one on the Settings page and send it as 'Authorization: Bearer <key>'.");
        }

        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("The Authorization header must be 'Bearer <key>'.");
        }

        var keys = http.RequestServices.GetRequiredService<ApiKeyStore>();
        return await keys.IsValidAsync(header[Scheme.Length..].Trim(), http.RequestAborted)
            ? null
            : Unauthorized("The API key is not valid: it is unknown or was revoked. Create a new one on the Settings page.");
    }

    private static ApiRequestException Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, message, code: "invalid_api_key");
}
