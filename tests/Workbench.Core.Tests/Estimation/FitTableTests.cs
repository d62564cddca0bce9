using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class FitTableTests
{
    private static readonly EstimationModel Llama3_8B = KnownShapes.Llama3_8B.ToModel();

    [Fact]
    public void Context_columns_stop_at_the_models_own_maximum()
    {
        Assert.Equal([2048, 4096, 8192], FitTable.ContextColumns(8192));
        Assert.Equal([2048, 4096, 8192, 16384, 32768, 65536, 131072], FitTable.ContextColumns(131072));
    }

    [Fact]
    public void Every_quantization_gets_a_cell_per_context_column()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)], [2048, 8192]);

        Assert.Equal(QuantizationCatalog.Describe(Llama3_8B).Count, rows.Count);
        Assert.All(rows, row => Assert.Equal([2048, 8192], row.Cells.Select(c => c.ContextLength)));
    }

    [Fact]
    public void On_8_GB_a_Q4_K_M_8B_fits_and_F16_does_not_fully()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [GpuBudget.WithGibibytes("8 GB", 8)], [4096]);

        Assert.Equal(FitKind.FitsFully, Row(rows, "Q4_K_M").Cells[0].Estimate.Verdict.Kind);
        Assert.NotEqual(FitKind.FitsFully, Row(rows, "F16").Cells[0].Estimate.Verdict.Kind);
    }

    [Fact]
    public void A_smaller_kv_cache_type_turns_a_partial_offload_into_a_full_fit()
    {
        var gpu = GpuBudget.WithGibibytes("10 GB", 10);
        var f16 = Row(FitTable.Build(Llama3_8B, RunSettings.Default, [gpu], [32768]), "Q8_0").Cells[0];
        var q4 = Row(FitTable.Build(Llama3_8B, RunSettings.Default with { KeyCacheType = KvCacheType.Q4_0, ValueCacheType = KvCacheType.Q4_0 }, [gpu], [32768]), "Q8_0").Cells[0];

        Assert.Equal(FitKind.PartialOffload, f16.Estimate.Verdict.Kind);
        Assert.Equal(FitKind.FitsFully, q4.Estimate.Verdict.Kind);
        Assert.EndsWith("layers on GPU", f16.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_gpu_every_gguf_cell_is_cpu_only_and_the_gpu_only_runtimes_do_not_run()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [], [4096]);

        Assert.All(rows.Where(r => r.Option.Format == QuantizationFormat.Gguf), row => Assert.Equal(FitKind.CpuOnly, row.Cells[0].Estimate.Verdict.Kind));
        Assert.All(rows.Where(r => r.Option.Format != QuantizationFormat.Gguf), row => Assert.Contains("needs a GPU", row.Cells[0].Estimate.Verdict.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_rule_of_thumb_is_shown_beside_the_exact_figure()
    {
        var row = Row(FitTable.Build(Llama3_8B, RunSettings.Default, [], [4096]), "Q8_0");

        // 8.03 B × 8.5 bits / 8 × 1.2 ≈ 10.2 GB.
        Assert.InRange(row.RuleOfThumbGigabytes, 9.5, 11);
    }

    private static FitRow Row(IReadOnlyList<FitRow> rows, string label) => rows.Single(r => r.Option.Label == label);
}
