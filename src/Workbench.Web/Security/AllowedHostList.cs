using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Workbench.Web.Security;

/// <summary>
/// The host names the dashboard answers to when none are configured: localhost, this machine's names
/// and its own addresses. A browser tricked into sending a request for another name (DNS rebinding) is refused.
/// </summary>
public static class AllowedHostList
{
    /// <summary>The configured list, or the automatic one when it is empty.</summary>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> configured)
    {
        var list = configured.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList();
        return list.Count > 0 ? list : Automatic();
    }

    /// <summary>localhost, the machine name (plain and .local) and every address of an interface that is up.</summary>
    public static IReadOnlyList<string> Automatic()
    {
        var hosts = new List<string> { "localhost", "*.localhost", "127.0.0.1", "[::1]" };
        var machine = Environment.MachineName;
        if (!string.IsNullOrEmpty(machine))
        {
            hosts.Add(machine);
            hosts.Add(machine + ".local");
            hosts.Add(machine + ".lan");
        }

        try
        {
            var fqdn = Dns.GetHostName();
            hosts.Add(fqdn);
        }
        catch (SocketException)
        {
        }

        foreach (var address in LocalAddresses())
        {
            hosts.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString());
        }

        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static IEnumerable<IPAddress> LocalAddresses()
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            yield break;
        }

        foreach (var network in interfaces.Where(n => n.OperationalStatus == OperationalStatus.Up))
        {
            foreach (var unicast in network.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.IsIPv6LinkLocal)
                {
                    // A link-local address carries a zone index (%eth0) that a Host header never does.
                    address = new IPAddress(address.GetAddressBytes());
                }

                yield return address;
            }
        }
    }
}
