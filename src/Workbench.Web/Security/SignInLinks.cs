using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Workbench.Web.Security;

/// <summary>
/// Sign-in links a phone can open: when the dashboard listens on every interface, one per IP address of this machine
/// (phones on a home LAN often cannot resolve the machine's name), then one with the machine's name.
/// </summary>
public static class SignInLinks
{
    /// <summary>The links for <paramref name="token"/> on the server listening at <paramref name="listeningAddress"/>.</summary>
    /// <param name="listeningAddress">e.g. <c>http://*:5080</c> or <c>http://192.168.1.20:5080</c>.</param>
    /// <param name="token">The sign-in token.</param>
    /// <param name="addresses">This machine's addresses, without loopback ones (<see cref="MachineAddresses"/>).</param>
    /// <param name="machineName">This machine's name.</param>
    public static IReadOnlyList<string> For(string listeningAddress, string token, IEnumerable<IPAddress> addresses, string machineName)
    {
        ArgumentNullException.ThrowIfNull(listeningAddress);
        ArgumentNullException.ThrowIfNull(addresses);
        var (scheme, host, port) = Split(listeningAddress);
        var path = $"/signin/link?token={Uri.EscapeDataString(token)}";
        var hosts = host switch
        {
            "*" or "+" or "[::]" => [.. addresses.Select(HostOf), machineName],
            "0.0.0.0" => [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(HostOf), machineName],
            _ => new List<string> { host },
        };
        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase).Select(h => $"{scheme}://{h}{port}{path}")];
    }

    /// <summary>
    /// Every IPv4 and IPv6 address of the interfaces that are up, loopback left out, IPv4 first. IPv6 link-local
    /// addresses (fe80::) are left out too: a link to one needs a zone id, which browsers do not accept.
    /// </summary>
    public static IReadOnlyList<IPAddress> MachineAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
                .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal && !a.IsIPv6Multicast)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .Distinct()
                .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
        }
        catch (NetworkInformationException)
        {
            // Some containers do not let a process list interfaces; the machine's name still works.
            return [];
        }
    }

    private static string HostOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{new IPAddress(address.GetAddressBytes())}]" : address.ToString();

    // "http://*:5080/" → ("http", "*", ":5080"); the port kept as written, none when the address has none.
    private static (string Scheme, string Host, string Port) Split(string address)
    {
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator > 0 ? address[..separator] : "http";
        var rest = (separator > 0 ? address[(separator + 3)..] : address).TrimEnd('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        var colon = rest.StartsWith('[') ? rest.IndexOf("]:", StringComparison.Ordinal) + 1 : rest.LastIndexOf(':');
        return colon > 0 ? (scheme, rest[..colon], rest[colon..]) : (scheme, rest, string.Empty);
    }
}
