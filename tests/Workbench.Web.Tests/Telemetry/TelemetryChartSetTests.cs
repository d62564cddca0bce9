using Workbench.Core.Telemetry;
using Workbench.Web.Estimation;
using Workbench.Web.Telemetry;

namespace Workbench.Web.Tests.Telemetry;

/// <summary>The reference lines the charts draw from the loaded model's estimate.</summary>
public sealed class TelemetryChartSetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_loaded_model_no_estimate_line_is_drawn()
    {
        var charts = TelemetryChartSet.From(Samples(workerVram: null));

        Assert.DoesNotContain(charts.Ram, s => s.Name == TelemetryChartSet.EstimateSeriesName);
        Assert.DoesNotContain(charts.Gpus[0].Memory, s => s.Name == TelemetryChartSet.EstimateSeriesName);
        Assert.DoesNotContain(charts.Gpus[0].Memory, s => s.Name == "Worker VRAM (GiB)");
    }

    [Fact]
    public void The_ram_chart_gets_the_estimate_as_a_flat_line_over_every_sample()
    {
        var reference = new ModelMemoryReference(RamBytes: 3L << 30, new Dictionary<int, long>());

        var charts = TelemetryChartSet.From(Samples(workerVram: null), reference: reference);

        var line = Assert.Single(charts.Ram, s => s.Name == TelemetryChartSet.EstimateSeriesName);
        Assert.Equal([3.0, 3.0, 3.0], line.Data.Values);
    }

    [Fact]
    public void A_gpu_chart_sets_what_the_worker_holds_against_that_gpus_estimate()
    {
        var reference = new ModelMemoryReference(RamBytes: 1L << 29, new Dictionary<int, long> { [0] = 6L << 30, [3] = 1 });

        var charts = TelemetryChartSet.From(Samples(workerVram: 11L << 29), reference: reference);

        var memory = charts.Gpus.Single().Memory;
        Assert.Equal([5.5, 5.5, 5.5], memory.Single(s => s.Name == "Worker VRAM (GiB)").Data.Values);
        Assert.Equal([6.0, 6.0, 6.0], memory.Single(s => s.Name == TelemetryChartSet.EstimateSeriesName).Data.Values);
    }

    private static List<TelemetrySample> Samples(long? workerVram) =>
    [
        .. Enumerable.Range(0, 3).Select(i => new TelemetrySample(
            Start.AddSeconds(i),
            [new GpuTelemetry(0, "RTX", 8_000_000_000, 24_000_000_000, 50, 60, 100, workerVram)],
            10,
            32_000_000_000,
            20_000_000_000,
            1_000_000_000)),
    ];
}
