using System.Security.Claims;

namespace Workbench.Web.Security;

/// <summary>
/// A signed-in session is bound to the token that made it: the cookie carries the token's id and a stamp
/// derived from its hash, and is valid only while that token still exists unchanged with the same role.
/// </summary>
public static class AccessSession
{
    /// <summary>Claim with the stamp of the token that signed the session in.</summary>
    public const string StampClaim = "workbench:token-stamp";

    /// <summary>Id of the owner at the machine itself (loopback), who has no token.</summary>
    public const string LocalOwnerId = "local";

    /// <summary>The principal for a session signed in with <paramref name="match"/>.</summary>
    public static ClaimsPrincipal Principal(AccessTokenMatch match, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(match);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, match.Token.Role),
                new Claim(ClaimTypes.Role, match.Token.Role),
                new Claim(ClaimTypes.NameIdentifier, match.Token.Id),
                new Claim(StampClaim, match.Stamp),
            ],
            authenticationType);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Whether a token-made session is still valid: its token exists with the same stamp and role.
    /// Sessions without a token (the owner at this machine) are not judged here.
    /// </summary>
    public static bool IsCurrent(ClaimsPrincipal principal, AccessTokenStore tokens)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(tokens);
        var role = principal.IsInRole(AccessRoles.Owner) ? AccessRoles.Owner : principal.IsInRole(AccessRoles.Guest) ? AccessRoles.Guest : null;
        return tokens.IsCurrent(principal.FindFirstValue(ClaimTypes.NameIdentifier), principal.FindFirstValue(StampClaim), role);
    }

    /// <summary>Who the caller is, for things they own (conversations): the token id, or <see cref="LocalOwnerId"/>.</summary>
    public static string CallerId(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? (principal.IsInRole(AccessRoles.Owner) ? LocalOwnerId : "anonymous");
    }
}
