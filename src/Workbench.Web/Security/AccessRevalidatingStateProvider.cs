using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Workbench.Web.Security;

/// <summary>
/// Re-checks an open circuit's session every <see cref="AccessOptions.SessionRevalidationInterval"/>: once its
/// token is deleted or replaced, the circuit's user becomes anonymous, every owner check in it fails, and
/// the layout sends the browser to the sign-in page (which ends the circuit).
/// </summary>
public sealed class AccessRevalidatingStateProvider(
    ILoggerFactory loggerFactory,
    AccessTokenStore tokens,
    IOptions<AccessOptions> access) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => access.Value.SessionRevalidationInterval;

    /// <inheritdoc />
    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        var user = authenticationState.User;
        var valid = user.Identity?.AuthenticationType switch
        {
            AccessSchemes.Cookie => AccessSession.IsCurrent(user, tokens),
            // The owner at the machine: valid while the setting still trusts this machine.
            AccessSchemes.Loopback => access.Value.AllowLoopbackWithoutSignIn,
            _ => user.Identity?.IsAuthenticated != true,
        };
        return Task.FromResult(valid);
    }
}
