using System.Net;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class JoinInstructionsTests
{
    private static readonly IPAddress[] Addresses = [IPAddress.Parse("192.168.1.20"), IPAddress.Loopback, IPAddress.Parse("fe80::1"), IPAddress.Parse("fd00::20")];

    [Fact]
    public void A_page_opened_on_loopback_offers_the_machines_network_addresses_on_the_same_port()
    {
        var urls = JoinInstructions.HubUrls(new Uri("http://localhost:5080/"), Addresses);

        Assert.Equal(["http://192.168.1.20:5080/hubs/worker", "http://[fd00::20]:5080/hubs/worker"], urls.Select(u => u.ToString()));
    }

    [Fact]
    public void A_page_opened_by_a_network_name_offers_that_name_first()
    {
        var urls = JoinInstructions.HubUrls(new Uri("https://workstation.lan:8443/"), Addresses);

        Assert.Equal("https://workstation.lan:8443/hubs/worker", urls[0].ToString());
        Assert.Contains(new Uri("https://192.168.1.20:8443/hubs/worker"), urls);
    }

    [Fact]
    public void With_no_network_address_the_page_address_is_still_offered()
    {
        Assert.Equal([new Uri("http://localhost:5080/hubs/worker")], JoinInstructions.HubUrls(new Uri("http://localhost:5080/"), []));
    }

    [Fact]
    public void The_secret_stays_a_placeholder_until_the_owner_shows_it()
    {
        var hub = new Uri("http://192.168.1.20:5080/hubs/worker");

        var hidden = JoinInstructions.Command(hub, null, "laptop");
        var shown = JoinInstructions.Command(hub, "s3cret", "laptop");
        var compose = JoinInstructions.Compose(hub, null, "laptop");

        Assert.Contains(JoinInstructions.SecretPlaceholder, hidden, StringComparison.Ordinal);
        Assert.StartsWith("Workbench__Worker__Secret='s3cret' dotnet ", shown, StringComparison.Ordinal);
        Assert.Contains("--Workbench:Worker:HubUrl=http://192.168.1.20:5080/hubs/worker --Workbench:Worker:Name=laptop", shown, StringComparison.Ordinal);
        Assert.Contains("entrypoint: [\"dotnet\", \"Workbench.Worker.dll\"]", compose, StringComparison.Ordinal);
        Assert.Contains($"Workbench__Worker__Secret: \"{JoinInstructions.SecretPlaceholder}\"", compose, StringComparison.Ordinal);
        Assert.Contains("Workbench__Worker__HubUrl: \"http://192.168.1.20:5080/hubs/worker\"", compose, StringComparison.Ordinal);
    }
}
