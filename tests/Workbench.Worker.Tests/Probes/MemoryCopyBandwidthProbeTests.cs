using System.Diagnostics;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

/// <summary>The RAM bandwidth probe on this machine's real memory.</summary>
public sealed class MemoryCopyBandwidthProbeTests
{
    [Fact]
    public void Measures_a_plausible_bandwidth_on_this_machine()
    {
        // A budget this shared test machine can meet: faulting in 64 MiB has been seen to take 0.5 s here under load.
        var probe = new MemoryCopyBandwidthProbe(TimeSpan.FromSeconds(3), 32 << 20);

        var bytesPerSecond = probe.MeasureBytesPerSecond();

        // Anything from an old laptop's DDR3 (~1 GB/s on one busy core) to server HBM (~10 TB/s) is plausible.
        Assert.InRange(bytesPerSecond ?? 0, 1_000_000_000L, 10_000_000_000_000L);
    }

    [Fact]
    public void The_default_measurement_ends_within_200_ms()
    {
        var probe = new MemoryCopyBandwidthProbe();
        var clock = Stopwatch.StartNew();

        _ = probe.MeasureBytesPerSecond();

        clock.Stop();
        // The budget is 200 ms; the rest is room for returning the buffers and a busy machine's scheduling.
        Assert.True(clock.ElapsedMilliseconds <= 200 + 50, $"measuring took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_budget_too_short_for_any_counted_pass_stops_at_the_budget_and_reports_nothing()
    {
        var probe = new MemoryCopyBandwidthProbe(TimeSpan.FromMilliseconds(5), 256 << 20);
        var clock = Stopwatch.StartNew();

        var bytesPerSecond = probe.MeasureBytesPerSecond();

        clock.Stop();
        // 256 MiB cannot even be written once in 5 ms, so no chunk is timed: no figure rather than a made-up one.
        Assert.Null(bytesPerSecond);
        Assert.True(clock.ElapsedMilliseconds < 150, $"a 5 ms budget took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_figure_is_measured_once_and_then_remembered()
    {
        var probe = new MemoryCopyBandwidthProbe(TimeSpan.FromMilliseconds(60), 16 << 20);
        var first = probe.MeasureBytesPerSecond();

        var second = probe.MeasureBytesPerSecond();

        Assert.Equal(first, second);
        Assert.Equal(1, probe.Measurements);
    }
}
