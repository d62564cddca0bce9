using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Workbench.Web.Security;

/// <summary>
/// Treats a request from this machine as the owner when <see cref="AccessOptions.AllowLoopbackWithoutSignIn"/> is on.
/// A request with no remote address (an in-process test host or a Unix socket) counts as local.
/// </summary>
public sealed class LoopbackAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptions<AccessOptions> access,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>Name shown for the owner signed in by being at the machine.</summary>
    public const string LocalOwnerName = "this machine";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!access.Value.AllowLoopbackWithoutSignIn || !IsLocal(Context.Connection.RemoteIpAddress))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, LocalOwnerName), new Claim(ClaimTypes.Role, AccessRoles.Owner)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <summary>Whether a peer address is this machine.</summary>
    public static bool IsLocal(IPAddress? remote) => remote is null || IPAddress.IsLoopback(remote);
}
