using Workbench.Core.Estimation;
using Workbench.Web.Estimation;

namespace Workbench.Web.Tests.Estimation;

public sealed class BreakdownChartLayoutTests
{
    private static EstimateBreakdown Breakdown(params (string Part, long Gpu, long Ram)[] parts) => new([.. parts], null, "");

    [Fact]
    public void A_model_on_a_24_gib_gpu_gets_a_gib_axis_to_the_vram_and_its_line()
    {
        var breakdown = Breakdown(("weights", 13 * ByteSize.GiB, 0), ("KV cache", 2 * ByteSize.GiB, 0), ("compute", ByteSize.GiB / 2, 0), ("overhead", ByteSize.GiB / 2, 0));

        var layout = BreakdownChartLayout.Of(breakdown, [GpuBudget.WithGibibytes("RTX", 24)], ramBytes: 64 * ByteSize.GiB);

        Assert.Equal("GiB", layout.Unit);
        Assert.Equal(["0", "5", "10", "15", "20", "25"], layout.Ticks.Select(t => t.Label));
        var gpu = Assert.Single(layout.Bars);
        Assert.Equal("GPU", gpu.Label);
        Assert.Equal(96, gpu.LimitPercent);
        Assert.Equal("VRAM 24 GiB", gpu.LimitLabel);
        Assert.Equal(64, gpu.Segments.Sum(s => s.WidthPercent));
        Assert.Equal([0, 52, 60, 62], gpu.Segments.Select(s => s.StartPercent));
        Assert.False(gpu.OverLimit);
    }

    [Fact]
    public void A_partial_offload_shows_both_pools_and_only_the_vram_line()
    {
        var breakdown = Breakdown(("weights", 7 * ByteSize.GiB, 3 * ByteSize.GiB), ("KV cache", ByteSize.GiB, 0));

        var layout = BreakdownChartLayout.Of(breakdown, [GpuBudget.WithGibibytes("small", 8)], ramBytes: 64 * ByteSize.GiB);

        Assert.Equal(["GPU", "RAM"], layout.Bars.Select(b => b.Label));
        Assert.NotNull(layout.Bars[0].LimitPercent);
        Assert.Null(layout.Bars[1].LimitPercent);
    }

    [Fact]
    public void On_the_cpu_alone_the_ram_is_the_line_and_a_model_past_it_is_marked_over()
    {
        var breakdown = Breakdown(("weights", 0, 40 * ByteSize.GiB), ("KV cache", 0, 4 * ByteSize.GiB));

        var layout = BreakdownChartLayout.Of(breakdown, [], ramBytes: 30 * ByteSize.GiB);

        var ram = Assert.Single(layout.Bars);
        Assert.Equal(("RAM", "RAM 30 GiB", true), (ram.Label, ram.LimitLabel, ram.OverLimit));
        Assert.True(ram.LimitPercent < ram.Segments[^1].StartPercent + ram.Segments[^1].WidthPercent);
    }

    [Fact]
    public void A_tiny_model_is_drawn_in_mib()
    {
        var layout = BreakdownChartLayout.Of(Breakdown(("weights", 0, 6 * ByteSize.MiB), ("compute", 0, 3 * ByteSize.MiB)), [], ramBytes: null);

        Assert.Equal("MiB", layout.Unit);
        Assert.Equal(["0", "2", "4", "6", "8", "10"], layout.Ticks.Select(t => t.Label));
        Assert.Null(Assert.Single(layout.Bars).LimitPercent);
    }
}
