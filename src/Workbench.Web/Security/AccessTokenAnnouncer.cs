using Microsoft.AspNetCore.Hosting.Server;

namespace Workbench.Web.Security;

/// <summary>
/// Until the first sign-in succeeds, every start makes a new owner token and prints a sign-in link with it
/// (like Jupyter does): only hashes are kept, so a link lost with a failed start is replaced at the next.
/// </summary>
public sealed partial class AccessTokenAnnouncer(
    AccessTokenStore tokens,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<AccessTokenAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (tokens.RenewFirstStartToken() is { } token)
        {
            // The addresses are known once the server listens.
            lifetime.ApplicationStarted.Register(() => Announce(token));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce(string token)
    {
        var links = new SignInLinkSource(server).For(token);
        LogFirstToken(logger, string.Join(Environment.NewLine, links.Select(l => "  " + l)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: to sign in as the owner from another device, open one of these links (the one on your network):\n{Links}\nUntil someone signs in, each start prints a new link; afterwards make tokens on the Settings page, which shows them as QR codes.")]
    private static partial void LogFirstToken(ILogger logger, string links);
}
