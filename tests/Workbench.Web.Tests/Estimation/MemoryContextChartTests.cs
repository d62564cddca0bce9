using Workbench.Core.Estimation;
using Workbench.Web.Estimation;

namespace Workbench.Web.Tests.Estimation;

public sealed class MemoryContextChartTests
{
    private static readonly EstimationModel Llama3_8B = ArchitectureCatalog.Find("llama-3.1-8b")!.Shape().ToModel();

    [Fact]
    public void Curves_rise_with_context_and_each_gpu_is_a_flat_line_at_its_memory()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)], [4096, 16384, 65536]);

        var chart = MemoryContextChart.For(rows, null, [("RTX 3090", 24L << 30), ("RTX 4080", 16L << 30)]);

        Assert.Equal(["4k", "16k", "64k"], chart.Labels);
        var q4 = chart.Series.Single(s => s.Name == "Q4_K_M (llama.cpp)").Gibibytes;
        Assert.Equal(q4.Order(), q4);
        Assert.Equal([24.0, 24.0, 24.0], chart.Series.Single(s => s.Name == "VRAM: RTX 3090").Gibibytes);
        Assert.Equal([16.0, 16.0, 16.0], chart.Series.Single(s => s.Name == "VRAM: RTX 4080").Gibibytes);
        Assert.Contains(chart.Series, s => s.Name == "EXL2 4.0 bpw (ExLlamaV2)");
        Assert.Contains(chart.Series, s => s.Name == "GPTQ 4-bit g128 (vLLM)");
    }

    [Fact]
    public void The_selected_row_is_drawn_even_when_it_is_not_one_of_the_usual_ones()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [], [4096]);

        var chart = MemoryContextChart.For(rows, rows.Single(r => r.Option.Label == "IQ2_XS").Key, []);

        Assert.Contains(chart.Series, s => s.Name == "IQ2_XS (llama.cpp)");
        Assert.DoesNotContain(chart.Series, s => s.Name.StartsWith("VRAM", StringComparison.Ordinal));
    }
}
