using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Antiforgery;
using Workbench.Web.Components.Auth;

namespace Workbench.Web.Security;

/// <summary>Sign-in with an access token (form or the link printed at first start), and sign-out.</summary>
public static class SignInEndpoints
{
    /// <summary>Name of the rate-limiting policy on sign-in attempts.</summary>
    public const string RateLimitPolicy = "sign-in";

    /// <summary>Maps <c>/signin</c>, <c>/signin/link</c> and <c>/signout</c>.</summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/signin", (string? returnUrl) => Page(null, returnUrl, StatusCodes.Status200OK));
        // Antiforgery is checked in the handler, so a missing or stale token gets the form again, not an exception.
        group.MapPost("/signin", SignInWithFormAsync).DisableAntiforgery().RequireRateLimiting(RateLimitPolicy);
        group.MapGet("/signin/link", SignInWithLinkAsync).RequireRateLimiting(RateLimitPolicy);
        endpoints.MapPost("/signout", (Delegate)SignOutAsync);
        return endpoints;
    }

    private static async Task<IResult> SignInWithFormAsync(HttpContext context, AccessTokenStore tokens, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            return Page("This sign-in form has expired. Enter the token again.", null, StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? token = form["token"];
        string? returnUrl = form["returnUrl"];
        if (tokens.SignIn(token) is not { } match)
        {
            return Page("That token is not right. Check it and try again.", returnUrl, StatusCodes.Status401Unauthorized);
        }

        await SignInAsync(context, match);
        return TypedResults.LocalRedirect(LocalOrHome(returnUrl));
    }

    private static async Task<IResult> SignInWithLinkAsync(HttpContext context, AccessTokenStore tokens, string? token)
    {
        if (tokens.SignIn(token) is not { } match)
        {
            return Page("That sign-in link is not valid any more. Ask the owner for a new token.", "/", StatusCodes.Status401Unauthorized);
        }

        await SignInAsync(context, match);
        // Redirect so the token leaves the address bar and the browser history.
        return TypedResults.LocalRedirect("/");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(AccessSchemes.Cookie);
        return TypedResults.LocalRedirect("/signin");
    }

    private static Task SignInAsync(HttpContext context, AccessTokenMatch match) =>
        context.SignInAsync(
            AccessSchemes.Cookie, AccessSession.Principal(match, AccessSchemes.Cookie), new AuthenticationProperties { IsPersistent = true });

    private static RazorComponentResult<SignInView> Page(string? error, string? returnUrl, int status) =>
        new(new { Error = error, ReturnUrl = LocalOrHome(returnUrl) }) { StatusCode = status };

    /// <summary>
    /// Only paths on this site: an open redirect would let a link send a signed-in user anywhere. Control
    /// characters (a tab, CR/LF) are refused too: ASP.NET Core's local redirect would throw on them.
    /// </summary>
    internal static string LocalOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";
}
