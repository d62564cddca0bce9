using Microsoft.Extensions.Options;
using Workbench.Core.Telemetry;
using Workbench.Web.Telemetry;

namespace Workbench.Web.Tests.Telemetry;

public sealed class TelemetryStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static TelemetryStore Store(int capacity = 900, int throttleMs = 250) =>
        new(Options.Create(new TelemetryOptions { HistoryCapacity = capacity, SubscriberThrottleMs = throttleMs }), TimeProvider.System);

    private static TelemetrySample At(int second, double cpu = 10) =>
        new(Start.AddSeconds(second), [], cpu, 16L << 30, 8L << 30, 1L << 30);

    [Fact]
    public void The_history_keeps_only_the_newest_samples_up_to_its_capacity()
    {
        var store = Store(capacity: 5);

        for (var i = 0; i < 12; i++)
        {
            store.Add("box", At(i));
        }

        var kept = store.Since("box", DateTimeOffset.MinValue);
        Assert.Equal([7, 8, 9, 10, 11], kept.Select(s => (int)(s.Timestamp - Start).TotalSeconds));
        Assert.Equal(11, (int)(store.Latest("box")!.Timestamp - Start).TotalSeconds);
    }

    [Fact]
    public void Since_returns_only_samples_taken_after_the_given_time_oldest_first()
    {
        var store = Store();
        for (var i = 0; i < 10; i++)
        {
            store.Add("box", At(i));
        }

        var recent = store.Since("box", Start.AddSeconds(6));

        Assert.Equal([7, 8, 9], recent.Select(s => (int)(s.Timestamp - Start).TotalSeconds));
    }

    [Fact]
    public void Hosts_keep_separate_histories()
    {
        var store = Store();
        store.Add("a", At(1));
        store.Add("b", At(2));
        store.Add("b", At(3));

        var all = store.Since(DateTimeOffset.MinValue);

        Assert.Equal(["a", "b"], store.Hosts);
        Assert.Single(all["a"]);
        Assert.Equal(2, all["b"].Count);
        Assert.Empty(store.Since("nobody", DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task A_burst_of_samples_reaches_a_subscriber_as_few_throttled_notifications()
    {
        var store = Store(throttleMs: 300);
        var calls = 0;
        using var subscription = store.Subscribe(() => Interlocked.Increment(ref calls));

        for (var i = 0; i < 200; i++)
        {
            store.Add("box", At(i));
        }

        await Task.Delay(1000);
        // The first notification goes out at once; the rest of the burst is folded into at most one more.
        Assert.InRange(Volatile.Read(ref calls), 1, 2);
    }

    [Fact]
    public async Task A_sample_after_the_throttle_period_is_notified_again()
    {
        var store = Store(throttleMs: 50);
        var calls = 0;
        using var subscription = store.Subscribe(() => Interlocked.Increment(ref calls));

        store.Add("box", At(1));
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        await Task.Delay(100);
        store.Add("box", At(2));

        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);
    }

    [Fact]
    public async Task A_slow_subscriber_never_slows_ingestion()
    {
        var store = Store(throttleMs: 0);
        using var release = new ManualResetEventSlim();
        using var subscription = store.Subscribe(() => release.Wait(TimeSpan.FromSeconds(5)));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 1000; i++)
        {
            store.Add("box", At(i));
        }

        stopwatch.Stop();
        release.Set();
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, $"adding took {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(900, store.Since("box", DateTimeOffset.MinValue).Count);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_disposed_subscription_is_not_called()
    {
        var store = Store(throttleMs: 0);
        var calls = 0;
        var subscription = store.Subscribe(() => Interlocked.Increment(ref calls));
        subscription.Dispose();

        store.Add("box", At(1));
        await Task.Delay(200);

        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task A_subscriber_that_never_returns_is_called_once_however_many_samples_arrive()
    {
        var store = Store(capacity: 100, throttleMs: 0);
        using var release = new ManualResetEventSlim();
        var calls = 0;
        using var subscription = store.Subscribe(() =>
        {
            Interlocked.Increment(ref calls);
            release.Wait(TimeSpan.FromSeconds(30));
        });
        store.Add("box", At(0));
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);

        // Thousands of samples while the subscriber is stuck, in bursts with pauses so any queued call would get to run;
        // each stuck call would hold a thread-pool thread, so the number of calls is the memory that piles up.
        for (var i = 1; i <= 5000; i++)
        {
            store.Add("box", At(i));
            if (i % 500 == 0)
            {
                await Task.Delay(20);
            }
        }

        await Task.Delay(300);
        var callsWhileStuck = Volatile.Read(ref calls);
        release.Set();
        // The samples that arrived while it was stuck are folded into exactly one more call.
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);
        await Task.Delay(200);

        Assert.Equal(1, callsWhileStuck);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(100, store.Since("box", DateTimeOffset.MinValue).Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
