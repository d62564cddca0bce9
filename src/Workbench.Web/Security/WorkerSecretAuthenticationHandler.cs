using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Workbench.Web.Security;

/// <summary>Authenticates a worker by the shared secret in <see cref="AccessSchemes.WorkerSecretHeader"/>; refusals are logged.</summary>
public sealed partial class WorkerSecretAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    WorkerSecret secret,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[AccessSchemes.WorkerSecretHeader].ToString();
        if (!SecretText.EqualsSecret(presented, secret.Value))
        {
            LogRefused(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "(local)", presented.Length == 0 ? "no secret" : "a wrong secret");
            return Task.FromResult(AuthenticateResult.Fail("The worker secret is missing or wrong."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "worker"), new Claim(ClaimTypes.Role, AccessRoles.Worker)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    // A body of its own, so the dashboard's "not found" page is never served to a worker in its place.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Response.WriteAsync("Workers must present the dashboard's worker secret.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a worker connection from {Address}: it presented {What}")]
    private static partial void LogRefused(ILogger logger, string address, string what);
}
