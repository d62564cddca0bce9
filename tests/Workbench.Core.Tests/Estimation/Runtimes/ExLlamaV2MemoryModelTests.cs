using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Tests.Estimation.Runtimes;

/// <summary>ExLlamaV2's memory, against exllamav2 v0.3.2's own allocations (cache.py, model.py, config.py).</summary>
public sealed class ExLlamaV2MemoryModelTests
{
    private static readonly EstimationModel Llama3_8B = KnownShapes.Llama3_8B.ToModel();
    private static readonly EstimationModel Exl2_4 = QuantizationCatalog.Exl2(Llama3_8B, 4.0).Model;

    [Theory]
    // cache.py: per layer keys and values of (1, 8192, 8 heads, 128) — fp16: 2 × 8192 × 1024 × 2 bytes × 32 layers = 1 GiB.
    [InlineData(Exl2CacheMode.Fp16, 1_073_741_824L)]
    // Q8: uint8 keys and values (1024 + 1024 bytes) and fp16 scales of head_dim / 32 per head for each (2 × 8 × 4 × 2 = 128 bytes) per token.
    [InlineData(Exl2CacheMode.Q8, 2176L * 8192 * 32)]
    // Q6: keys one byte per element, values two per byte (kernel <8, 4> in cuda/cache.cu), the same scales.
    [InlineData(Exl2CacheMode.Q6, 1664L * 8192 * 32)]
    // Q4: two elements per byte for keys and values, the same scales: 1152 bytes per token and layer.
    [InlineData(Exl2CacheMode.Q4, 1152L * 8192 * 32)]
    public void The_cache_of_llama_3_8b_at_8k_tokens_is_what_exllamav2_allocates(Exl2CacheMode mode, long expected)
    {
        Assert.Equal(expected, ExLlamaV2MemoryModel.CacheBytes(Llama3_8B, mode, 8192));
    }

    [Fact]
    public void The_cache_is_whole_256_token_pages_of_the_dynamic_generator()
    {
        // generator/dynamic.py: PAGED_PAGE_SIZE = 256; 1000 tokens take 4 pages.
        Assert.Equal(ExLlamaV2MemoryModel.CacheBytes(Llama3_8B, Exl2CacheMode.Fp16, 1024), ExLlamaV2MemoryModel.CacheBytes(Llama3_8B, Exl2CacheMode.Fp16, 1000));
    }

    [Fact]
    public void The_fixed_scratch_of_llama_3_is_the_output_heads_dequantization_buffer()
    {
        // linear.py temp_dq_size: 2 × min(4096 × 128256, 512 Mi) bytes = 1,050,673,152; the MLP's needs 251,658,624.
        Assert.Equal(1_050_673_152L, ExLlamaV2MemoryModel.FixedScratchBytes(Llama3_8B, 8192));
    }

    [Fact]
    public void Every_part_lands_on_the_gpu_except_the_embeddings()
    {
        var estimate = ExLlamaV2MemoryModel.Estimate(Exl2_4, RunSettings.Default with { ContextLength = 8192 }, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)]);

        var gpu = Assert.Single(estimate.Gpus);
        Assert.Equal(FitKind.FitsFully, estimate.Verdict.Kind);
        Assert.Equal(InferenceRuntime.ExLlamaV2, estimate.Runtime);
        Assert.Equal(Exl2_4.InputEmbeddingBytes, estimate.WeightsCpuBytes);
        Assert.Equal(Exl2_4.TotalWeightBytes - Exl2_4.InputEmbeddingBytes, gpu.WeightBytes);
        Assert.Equal(1_073_741_824L, gpu.KvCacheBytes);
        Assert.Equal(1_050_673_152L + ExLlamaV2MemoryModel.FirstGpuReserveBytes, gpu.ComputeBytes);
        Assert.Contains("ExLlamaV2", estimate.Verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantized_cache_adds_one_full_fp16_layer_per_gpu_to_dequantize_into()
    {
        var settings = RunSettings.Default with { ContextLength = 8192 };
        var q4 = ExLlamaV2MemoryModel.Estimate(Exl2_4, settings, RuntimeSettings.Default with { Exl2Cache = Exl2CacheMode.Q4 }, [GpuBudget.WithGibibytes("24 GB", 24)]);

        // ExLlamaV2Cache_Q.touch_device: fp16 keys and values of shape (1, 8192, 8, 128) = 32 MiB.
        Assert.Equal(1152L * 8192 * 32 + 2L * 8192 * 1024 * 2, q4.KvCacheGpuBytes);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(16384)]
    [InlineData(65536)]
    public void Q4_cache_needs_less_than_q6_than_q8_than_fp16(int context)
    {
        long Total(Exl2CacheMode mode) => ExLlamaV2MemoryModel.Estimate(
            Exl2_4, RunSettings.Default with { ContextLength = context }, RuntimeSettings.Default with { Exl2Cache = mode }, [GpuBudget.WithGibibytes("80 GB", 80)]).TotalGpuBytes;

        Assert.True(Total(Exl2CacheMode.Q4) < Total(Exl2CacheMode.Q6));
        Assert.True(Total(Exl2CacheMode.Q6) < Total(Exl2CacheMode.Q8));
        Assert.True(Total(Exl2CacheMode.Q8) < Total(Exl2CacheMode.Fp16));
    }

    [Fact]
    public void More_context_never_needs_less_memory_in_any_cache_mode()
    {
        foreach (var mode in Exl2CacheModes.All)
        {
            var totals = FitTable.ContextColumns(131072)
                .Select(c => ExLlamaV2MemoryModel.Estimate(Exl2_4, RunSettings.Default with { ContextLength = c }, RuntimeSettings.Default with { Exl2Cache = mode }, [GpuBudget.WithGibibytes("80 GB", 80)]).TotalGpuBytes)
                .ToList();
            Assert.Equal(totals.Order(), totals);
        }
    }

    [Fact]
    public void When_it_does_not_fit_it_says_which_cache_mode_or_context_would()
    {
        var estimate = ExLlamaV2MemoryModel.Estimate(Exl2_4, RunSettings.Default with { ContextLength = 65536 }, RuntimeSettings.Default, [GpuBudget.WithGibibytes("12 GB", 12)]);

        Assert.Equal(FitKind.DoesNotFit, estimate.Verdict.Kind);
        Assert.Contains(estimate.Verdict.Suggestions, s => s.EndsWith(" cache", StringComparison.Ordinal));
        Assert.Contains(estimate.Verdict.Suggestions, s => s.EndsWith(" context", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_gpus_are_filled_in_order_and_together_hold_what_one_cannot()
    {
        var settings = RunSettings.Default with { ContextLength = 32768 };
        var one = ExLlamaV2MemoryModel.Estimate(Exl2_4, settings, RuntimeSettings.Default, [GpuBudget.WithGibibytes("8 GB", 8)]);
        var two = ExLlamaV2MemoryModel.Estimate(Exl2_4, settings, RuntimeSettings.Default, [GpuBudget.WithGibibytes("8 GB", 8), GpuBudget.WithGibibytes("8 GB", 8)]);

        Assert.Equal(FitKind.DoesNotFit, one.Verdict.Kind);
        Assert.Equal(FitKind.FitsFully, two.Verdict.Kind);
        Assert.Equal(two.LayerDevices.Order(), two.LayerDevices);
        Assert.Equal(1, two.OutputLayerDevice);
    }

    [Fact]
    public void Without_a_gpu_or_on_apple_silicon_it_does_not_run()
    {
        var none = ExLlamaV2MemoryModel.Estimate(Exl2_4, RunSettings.Default, RuntimeSettings.Default, []);
        var mac = ExLlamaV2MemoryModel.Estimate(Exl2_4, RunSettings.Default, RuntimeSettings.Default, [new GpuBudget("M3 Max", 96L << 30, Vendor: GpuVendor.Apple)]);

        Assert.Equal(FitKind.DoesNotFit, none.Verdict.Kind);
        Assert.Contains("needs a GPU", none.Verdict.Message, StringComparison.Ordinal);
        Assert.Contains("not on M3 Max", mac.Verdict.Message, StringComparison.Ordinal);
    }
}
