using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Telemetry;
using Workbench.Web.Telemetry;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Telemetry;

/// <summary>
/// Telemetry end to end: the real worker child process samples at 4 Hz (set through the web host's configuration)
/// and its samples reach the store, and a store subscriber, through the real hub on Kestrel.
/// </summary>
[Collection(AloneTestGroup.Name)]
public sealed class TelemetryPipelineTests : IAsyncLifetime
{
    private const int IntervalMs = 250;

    private readonly RealWorkerServer _server = new(
        "telemetry-pipeline",
        ("Workbench:Supervisor:WorkerTelemetryIntervalMs", IntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Workbench:Telemetry:SubscriberThrottleMs", "0"));

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Samples_arrive_in_timestamp_order_at_the_configured_rate()
    {
        var (store, host) = await WaitForFirstSampleAsync();
        var from = store.Latest(host)!.Timestamp;

        await Task.Delay(TimeSpan.FromSeconds(4));
        var samples = store.Since(host, from);

        var gaps = samples.Zip(samples.Skip(1), (a, b) => (b.Timestamp - a.Timestamp).TotalMilliseconds).ToList();
        Assert.All(gaps, gap => Assert.True(gap > 0, $"a sample is not newer than the one before it ({gap} ms)"));
        // The worker's timer ticks on schedule; on a busy machine a tick can run late (and a send can be dropped while
        // the previous one is on the wire), so the median gap is the rate and the count only has a lower bound.
        var medianGap = gaps.Order().ElementAt(gaps.Count / 2);
        Assert.InRange(medianGap, IntervalMs * 0.8, IntervalMs * 1.4);
        Assert.InRange(samples.Count, 10, 18);
    }

    [Fact]
    public async Task A_subscriber_sees_each_newest_sample_in_timestamp_order()
    {
        var (store, host) = await WaitForFirstSampleAsync();
        var seen = new List<TelemetrySample>();
        using (store.Subscribe(() =>
        {
            lock (seen)
            {
                seen.Add(store.Latest(host)!);
            }
        }))
        {
            await RealWorkerServer.WaitUntilAsync(() => { lock (seen) { return seen.Distinct().Count() >= 8; } }, "eight samples seen by the subscriber");
        }

        List<TelemetrySample> distinct;
        lock (seen)
        {
            distinct = [.. seen.Distinct()];
        }

        Assert.Equal(distinct.OrderBy(s => s.Timestamp).Select(s => s.Timestamp), distinct.Select(s => s.Timestamp));
        Assert.True(distinct[^1].Timestamp - distinct[0].Timestamp < TimeSpan.FromMilliseconds(IntervalMs * 7 * 2.5),
            $"eight samples took {distinct[^1].Timestamp - distinct[0].Timestamp}");
    }

    private async Task<(TelemetryStore Store, string Host)> WaitForFirstSampleAsync()
    {
        var store = _server.Services.GetRequiredService<TelemetryStore>();
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(
            () => registry.Workers.Count > 0 && store.Latest(registry.Workers[0].Registration.HostName) is not null, "the first telemetry sample");
        return (store, registry.Workers[0].Registration.HostName);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
