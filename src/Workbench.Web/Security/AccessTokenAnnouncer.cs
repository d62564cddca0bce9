using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

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
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        var link = SignInLink(address, token);
        LogFirstToken(logger, link);
    }

    /// <summary>The link to print: the listening address with a wildcard host replaced by this machine's name.</summary>
    public static string SignInLink(string listeningAddress, string token)
    {
        ArgumentNullException.ThrowIfNull(listeningAddress);
        var normalized = listeningAddress.Replace("://*", "://" + Environment.MachineName, StringComparison.Ordinal)
            .Replace("://+", "://" + Environment.MachineName, StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://" + Environment.MachineName, StringComparison.Ordinal)
            .Replace("://[::]", "://" + Environment.MachineName, StringComparison.Ordinal);
        return $"{normalized.TrimEnd('/')}/signin/link?token={Uri.EscapeDataString(token)}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: open {Link} to sign in as the owner from another device. Until someone signs in, each start prints a new link; afterwards make tokens on the Settings page.")]
    private static partial void LogFirstToken(ILogger logger, string link);
}
