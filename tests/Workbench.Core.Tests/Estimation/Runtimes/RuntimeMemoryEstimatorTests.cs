using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Tests.Estimation.Runtimes;

public sealed class RuntimeMemoryEstimatorTests
{
    private static readonly EstimationModel Llama3_8B = KnownShapes.Llama3_8B.ToModel();

    [Fact]
    public void A_runtime_that_does_not_load_the_format_is_refused_with_the_ones_that_do()
    {
        var exl2 = QuantizationCatalog.Exl2(Llama3_8B, 4.0);

        var refused = Assert.Throws<ArgumentException>(() => RuntimeMemoryEstimator.Estimate(
            exl2.Model, exl2.Format, InferenceRuntime.LlamaCpp, RunSettings.Default, RuntimeSettings.Default, []));

        Assert.Contains("llama.cpp does not load Exl2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ExLlamaV2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_format_is_judged_by_its_usual_runtime_first()
    {
        Assert.Equal([InferenceRuntime.LlamaCpp], InferenceRuntimes.For(QuantizationFormat.Gguf));
        Assert.Equal([InferenceRuntime.ExLlamaV2], InferenceRuntimes.For(QuantizationFormat.Exl2));
        Assert.Equal([InferenceRuntime.Vllm, InferenceRuntime.ExLlamaV2, InferenceRuntime.Transformers], InferenceRuntimes.For(QuantizationFormat.Gptq));
        Assert.Equal([InferenceRuntime.Vllm, InferenceRuntime.Transformers], InferenceRuntimes.For(QuantizationFormat.Awq));
    }

    [Fact]
    public void The_whole_table_names_each_rows_runtime_and_every_runtime_adds_rows_for_gptq_and_awq()
    {
        var options = QuantizationCatalog.Describe(Llama3_8B);
        var usual = FitTable.Build(Llama3_8B, options, RunSettings.Default, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)], [4096]);
        var every = FitTable.Build(Llama3_8B, options, RunSettings.Default, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)], [4096], everyRuntime: true);

        Assert.Equal(options.Count, usual.Count);
        Assert.Equal(InferenceRuntime.ExLlamaV2, usual.Single(r => r.Option.Label == "EXL2 4.0 bpw").Runtime);
        Assert.Equal(InferenceRuntime.Vllm, usual.Single(r => r.Option.Format == QuantizationFormat.Gptq).Runtime);
        Assert.All(usual, r => Assert.Equal(r.Runtime, r.Cells[0].Estimate.Runtime));
        Assert.Equal(options.Count + 3, every.Count);
        Assert.Equal(every.Count, every.Select(r => r.Key).Distinct().Count());
    }

    [Theory]
    [InlineData("Q4_K_M", "Q4_K_M")]
    [InlineData("q4_k_m", "Q4_K_M")]
    [InlineData("EXL2-4.0", "EXL2 4.0 bpw")]
    [InlineData("EXL2-4.65", "EXL2 4.65 bpw")]
    [InlineData("EXL2 6.0 bpw", "EXL2 6.0 bpw")]
    [InlineData("GPTQ-4bit-g128", "GPTQ 4-bit g128")]
    [InlineData("GPTQ-4bit-g32", "GPTQ 4-bit g32")]
    [InlineData("AWQ-4bit-g128", "AWQ 4-bit g128")]
    public void Api_ids_and_table_labels_name_the_same_quantization(string id, string label)
    {
        var option = QuantizationCatalog.Find(Llama3_8B, id);

        Assert.Equal(label, option.Label);
        Assert.Equal(option.Label, QuantizationCatalog.Find(Llama3_8B, QuantizationCatalog.IdOf(option)).Label);
    }

    [Theory]
    [InlineData("Q4_K_Z")]
    [InlineData("EXL2-9")]
    [InlineData("GPTQ-4bit-g100")]
    public void An_unknown_id_is_refused_with_the_forms_that_work(string id)
    {
        var refused = Assert.Throws<ArgumentException>(() => QuantizationCatalog.Find(Llama3_8B, id));

        Assert.Contains("GPTQ-4bit-g128", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_best_quality_that_fits_is_the_gguf_type_with_the_smallest_published_loss()
    {
        var rows = FitTable.Build(Llama3_8B, RunSettings.Default, [GpuBudget.WithGibibytes("8 GB", 8)], [4096, 131072]);

        var best = BestFit.PerContext(rows);

        // On 8 GiB an 8B model fits at Q5_K_M but not Q6_K (6.6 GB of weights plus the buffers) at 4k.
        Assert.NotNull(best[0]);
        Assert.Equal(rows.Where(r => r.Quality is not null && r.Cells[0].Estimate.Verdict.Kind == FitKind.FitsFully).MinBy(r => r.Quality!.PerplexityIncrease)!.Key, best[0]!.Key);
        Assert.Equal(0.1754, rows.Single(r => r.Option.Label == "Q4_K_M").Quality!.PerplexityIncrease);
        Assert.Null(rows.Single(r => r.Option.Label == "IQ4_XS").Quality);
    }
}
