using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Workbench.Web.Security;

/// <summary>The sign-in links of this running dashboard (its first listening address) for the console and the Settings page.</summary>
public sealed class SignInLinkSource(IServer server, Func<IReadOnlyList<IPAddress>>? addresses = null)
{
    /// <summary>The links for <paramref name="token"/>; <paramref name="fallbackBase"/> (e.g. the page's own address) before the server listens.</summary>
    public IReadOnlyList<string> For(string token, string fallbackBase = "http://localhost:5080")
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? fallbackBase;
        return SignInLinks.For(listening, token, (addresses ?? SignInLinks.MachineAddresses)(), Environment.MachineName);
    }
}
