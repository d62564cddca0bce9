using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Workbench.Web.Components.Auth;

/// <summary>The user of a component's circuit, read when an action runs (so a session ended meanwhile counts).</summary>
internal static class CallerState
{
    /// <summary>The current user, or an anonymous one when no authentication state is cascaded.</summary>
    public static async Task<ClaimsPrincipal> UserAsync(Task<AuthenticationState>? authentication) =>
        authentication is null ? new ClaimsPrincipal(new ClaimsIdentity()) : (await authentication).User;
}
