using System.Security.Claims;

namespace Workbench.Web.Security;

/// <summary>
/// The server-side check behind every owner action, made by the service or handler that acts (not only by
/// hiding a button): a circuit's events and a script's requests reach the handler whatever the page shows.
/// </summary>
public static class OwnerOnly
{
    /// <summary>Whether <paramref name="caller"/> is the owner.</summary>
    public static bool Allows(ClaimsPrincipal? caller) => caller?.IsInRole(AccessRoles.Owner) == true;

    /// <summary>Throws <see cref="OwnerOnlyException"/> unless <paramref name="caller"/> is the owner.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="action">What they asked, completing "Only the owner may …".</param>
    public static void Demand(ClaimsPrincipal? caller, string action)
    {
        if (!Allows(caller))
        {
            throw new OwnerOnlyException(action);
        }
    }
}

/// <summary>A guest (or a session that ended) asked for something only the owner may do.</summary>
public sealed class OwnerOnlyException(string action)
    : UnauthorizedAccessException($"Only the owner may {action}. Sign in with the owner's token to do it.");
