using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>Finds the URL a worker on this machine uses to reach the hub, from the addresses Kestrel listens on.</summary>
internal static class LocalHubAddress
{
    /// <summary>The hub URL on loopback, preferring plain HTTP (no certificate to trust).</summary>
    public static Uri From(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return FromAddresses(addresses);
    }

    /// <summary>Same, from listening addresses such as <c>http://[::]:8080</c> or <c>http://localhost:5193</c>.</summary>
    public static Uri FromAddresses(IEnumerable<string> addresses)
    {
        var candidates = addresses
            .Select(a => a.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal))
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .OrderBy(u => u.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .ToList();
        var listen = candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("The web host listens on no address a local worker could use.");
        var host = listen.Host is "0.0.0.0" or "[::]" or "::" or "localhost" ? "127.0.0.1" : listen.Host;
        return new UriBuilder(listen.Scheme, host, listen.Port, WorkerHubMethods.Path).Uri;
    }
}
