using Microsoft.Extensions.Options;
using Workbench.Core.Telemetry;
using Workbench.Web.Telemetry;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Telemetry;

/// <summary>The store's limits on hosts: a cap and the expiry of hosts that stopped reporting.</summary>
public sealed class TelemetryStoreBoundsTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_new_host_beyond_the_cap_replaces_the_one_that_reported_longest_ago()
    {
        var store = Store(maxHosts: 3);
        foreach (var host in new[] { "a", "b", "c", "d" })
        {
            store.Add(host, Sample());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["b", "c", "d"], store.Hosts);
    }

    [Fact]
    public void A_host_that_stopped_reporting_expires()
    {
        var store = Store(maxHosts: 10);
        store.Add("gone", Sample());
        _time.Advance(TimeSpan.FromMinutes(16));
        store.Add("here", Sample());

        Assert.Equal(["here"], store.Hosts);
        Assert.Null(store.Latest("gone"));
    }

    private TelemetryStore Store(int maxHosts) =>
        new(Options.Create(new TelemetryOptions { MaxHosts = maxHosts, HostRetention = TimeSpan.FromMinutes(15), SubscriberThrottleMs = 0 }), _time);

    private TelemetrySample Sample() => new(_time.GetUtcNow(), [], 1, 1, 1, 1);
}
