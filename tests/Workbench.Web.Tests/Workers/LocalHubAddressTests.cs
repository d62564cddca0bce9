using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class LocalHubAddressTests
{
    [Theory]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080/hubs/worker")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/hubs/worker")]
    [InlineData("http://+:80", "http://127.0.0.1/hubs/worker")]
    [InlineData("http://localhost:5193", "http://127.0.0.1:5193/hubs/worker")]
    [InlineData("http://192.168.1.20:9000", "http://192.168.1.20:9000/hubs/worker")]
    public void A_worker_on_this_machine_reaches_the_hub_on_loopback(string listening, string expected)
    {
        Assert.Equal(expected, LocalHubAddress.FromAddresses([listening]).ToString());
    }

    [Fact]
    public void Plain_http_is_preferred_over_https()
    {
        var url = LocalHubAddress.FromAddresses(["https://localhost:7001", "http://localhost:5080"]);

        Assert.Equal("http://127.0.0.1:5080/hubs/worker", url.ToString());
    }

    [Fact]
    public void No_usable_address_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => LocalHubAddress.FromAddresses([]));
    }
}
