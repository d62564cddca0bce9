using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Workbench.Web.Security;

/// <summary>
/// Checked on every request that carries the sign-in cookie: a cookie whose token was deleted or replaced
/// (or one from before sessions were bound to tokens) is refused and removed, so revoking signs people out.
/// </summary>
internal static class SessionCookieValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var tokens = context.HttpContext.RequestServices.GetRequiredService<AccessTokenStore>();
        if (context.Principal is { } principal && AccessSession.IsCurrent(principal, tokens))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AccessSchemes.Cookie);
    }
}
