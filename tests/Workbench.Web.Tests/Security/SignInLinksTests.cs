using System.Net;
using Workbench.Web.Security;

namespace Workbench.Web.Tests.Security;

public sealed class SignInLinksTests
{
    private static readonly IPAddress[] Addresses = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("2001:db8::5")];

    [Theory]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080/")]
    public void Listening_everywhere_gives_a_link_per_address_and_one_with_the_machines_name(string listening)
    {
        var links = SignInLinks.For(listening, "a b", Addresses, "workstation");

        Assert.Equal(
            [
                "http://192.168.1.20:5080/signin/link?token=a%20b",
                "http://[2001:db8::5]:5080/signin/link?token=a%20b",
                "http://workstation:5080/signin/link?token=a%20b",
            ],
            links);
    }

    [Fact]
    public void Listening_on_every_ipv4_address_leaves_the_ipv6_ones_out() =>
        Assert.Equal(
            ["https://192.168.1.20:5443/signin/link?token=t", "https://workstation:5443/signin/link?token=t"],
            SignInLinks.For("https://0.0.0.0:5443", "t", Addresses, "workstation"));

    [Fact]
    public void A_named_address_is_the_only_link() =>
        Assert.Equal(["http://10.0.0.7:8080/signin/link?token=t"], SignInLinks.For("http://10.0.0.7:8080", "t", Addresses, "workstation"));

    [Fact]
    public void An_address_without_a_port_keeps_none() =>
        Assert.Equal(["http://192.168.1.20/signin/link?token=t", "http://workstation/signin/link?token=t"], SignInLinks.For("http://*", "t", [Addresses[0]], "workstation"));

    [Fact]
    public void This_machines_addresses_leave_out_loopback_and_ipv6_link_local() =>
        Assert.DoesNotContain(SignInLinks.MachineAddresses(), a => IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal);

    [Fact]
    public void The_qr_code_is_a_png_made_here()
    {
        var uri = SignInQrCode.DataUri("http://192.168.1.20:5080/signin/link?token=t");

        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(uri["data:image/png;base64,".Length..])[..4]);
    }
}
