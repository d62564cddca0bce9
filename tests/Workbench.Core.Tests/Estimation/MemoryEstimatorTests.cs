using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class MemoryEstimatorTests
{
    private static readonly EstimationModel Llama3Q4 = QuantizationCatalog.Gguf(KnownShapes.Llama3_8BModel, "Q4_K_M").Model;
    private static readonly RunSettings Ctx8K = new() { ContextLength = 8192 };

    private static GpuBudget Gpu(double gib, string name = "GPU") => GpuBudget.WithGibibytes(name, gib);

    [Fact]
    public void A_quantized_v_cache_without_flash_attention_is_refused_as_llama_cpp_refuses_it()
    {
        var refused = Assert.Throws<ArgumentException>(() => MemoryEstimator.Estimate(
            Llama3Q4, Ctx8K with { KeyCacheType = KvCacheType.Q8_0, ValueCacheType = KvCacheType.Q8_0, FlashAttention = false }, [Gpu(24)]));

        Assert.Contains("flash attention", refused.Message, StringComparison.Ordinal);
        // A quantized K cache alone is fine without it.
        MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { KeyCacheType = KvCacheType.Q8_0, FlashAttention = false }, [Gpu(24)]);
    }

    [Fact]
    public void Parallel_sequences_share_the_kv_of_their_windows_and_add_one_logits_row_each()
    {
        var one = MemoryEstimator.Estimate(Llama3Q4, new RunSettings { ContextLength = 4096 }, [Gpu(24)]);
        var four = MemoryEstimator.Estimate(Llama3Q4, new RunSettings { ContextLength = 4 * 4096, ParallelSequences = 4 }, [Gpu(24)]);

        Assert.Equal(4 * one.KvCacheBytes, four.KvCacheBytes);
        Assert.Equal(4 * one.OutputBufferBytes, four.OutputBufferBytes);
    }

    [Fact]
    public void A_model_that_fits_runs_every_layer_on_the_gpu()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(24)]);

        Assert.Equal(FitKind.FitsFully, estimate.Verdict.Kind);
        Assert.Equal(33, estimate.GpuLayers);
        Assert.All(estimate.LayerDevices, d => Assert.Equal(0, d));
        Assert.Equal(0, estimate.OutputLayerDevice);
        Assert.Equal(1L << 30, estimate.KvCacheGpuBytes);
        Assert.Equal(0, estimate.KvCacheCpuBytes);
    }

    [Fact]
    public void Token_embeddings_stay_in_ram_even_when_everything_else_is_offloaded()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(24)]);

        Assert.Equal(Llama3Q4.InputEmbeddingBytes, estimate.WeightsCpuBytes);
        Assert.Equal(Llama3Q4.TotalWeightBytes, estimate.WeightsCpuBytes + estimate.WeightsGpuBytes);
    }

    [Fact]
    public void Gpu_total_is_weights_kv_compute_and_overhead()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(24)]);
        var gpu = Assert.Single(estimate.Gpus);

        Assert.Equal(300 * ByteSize.MiB, gpu.OverheadBytes);
        Assert.Equal(gpu.WeightBytes + gpu.KvCacheBytes + gpu.ComputeBytes + gpu.OverheadBytes, estimate.TotalGpuBytes);
        Assert.Equal(266.5 * ByteSize.MiB, gpu.ComputeBytes);
    }

    [Fact]
    public void Without_a_gpu_everything_is_in_ram()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, []);

        Assert.Equal(FitKind.CpuOnly, estimate.Verdict.Kind);
        Assert.Equal(0, estimate.GpuLayers);
        Assert.Equal(Llama3Q4.TotalWeightBytes, estimate.WeightsCpuBytes);
        Assert.Equal(1L << 30, estimate.KvCacheCpuBytes);
        Assert.Equal(0, estimate.TotalGpuBytes);
        Assert.Equal(128256 * 4, estimate.OutputBufferBytes);
    }

    [Fact]
    public void One_gpu_layer_offloads_the_output_layer_first()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { GpuLayers = 1 }, [Gpu(24)]);

        Assert.Equal(0, estimate.OutputLayerDevice);
        Assert.All(estimate.LayerDevices, d => Assert.Equal(-1, d));
        Assert.Equal(Llama3Q4.OutputHeadBytes + Llama3Q4.OtherWeightBytes, estimate.WeightsGpuBytes);
    }

    [Fact]
    public void Further_gpu_layers_are_taken_from_the_last_block_backwards()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { GpuLayers = 11 }, [Gpu(24)]);

        Assert.Equal(Enumerable.Range(0, 32).Select(l => l >= 22 ? 0 : -1), estimate.LayerDevices);
        Assert.Equal(10, estimate.GpuBlockCount);
    }

    [Fact]
    public void Kv_cache_of_layers_left_on_the_cpu_is_in_ram()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { GpuLayers = 17 }, [Gpu(24)]);

        Assert.Equal(1L << 29, estimate.KvCacheCpuBytes);
        Assert.Equal(1L << 29, estimate.KvCacheGpuBytes);
    }

    [Fact]
    public void Auto_offload_picks_the_most_layers_that_fit_and_never_exceeds_the_budget()
    {
        var settings = Ctx8K;
        for (var mib = 256; mib <= 10 * 1024; mib += 128)
        {
            var gpu = new GpuBudget("GPU", mib * ByteSize.MiB);
            var chosen = MemoryEstimator.Estimate(Llama3Q4, settings, [gpu]);
            var available = gpu.FreeBytes - settings.AutoFitMarginBytes;

            if (chosen.GpuLayers > 0)
            {
                Assert.True(chosen.TotalGpuBytes <= available, $"{mib} MiB: {chosen.GpuLayers} layers need {chosen.TotalGpuBytes} bytes");
            }

            if (chosen.GpuLayers < chosen.TotalLayers)
            {
                var oneMore = MemoryEstimator.Estimate(Llama3Q4, settings with { GpuLayers = chosen.GpuLayers + 1 }, [gpu]);
                Assert.True(oneMore.TotalGpuBytes > available, $"{mib} MiB: {chosen.GpuLayers + 1} layers would also fit");
            }
        }
    }

    [Fact]
    public void More_vram_never_means_fewer_layers()
    {
        var previous = 0;
        for (var gib = 1.0; gib <= 12; gib += 0.25)
        {
            var layers = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(gib)]).GpuLayers;
            Assert.True(layers >= previous, $"{gib} GiB gave {layers} layers, less than {previous}");
            previous = layers;
        }
    }

    [Fact]
    public void Two_gpus_split_the_layers_in_proportion_to_their_free_memory()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(12, "A"), Gpu(4, "B")]);

        Assert.Equal(FitKind.FitsFully, estimate.Verdict.Kind);
        // Offloaded layer i of 33 goes to GPU A while i / 33 < 12 / 16: blocks 0–24 on A, 25–31 and the output on B.
        Assert.Equal(25, estimate.Gpus[0].Layers);
        Assert.Equal(7, estimate.Gpus[1].Layers);
        Assert.Equal(1, estimate.OutputLayerDevice);
        Assert.True(estimate.Gpus[1].HoldsOutputLayer);
    }

    [Fact]
    public void Each_gpu_in_use_pays_the_runtime_overhead_and_holds_its_layers_kv_cache()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(8, "A"), Gpu(8, "B")]);

        Assert.All(estimate.Gpus, g => Assert.Equal(300 * ByteSize.MiB, g.OverheadBytes));
        Assert.All(estimate.Gpus, g => Assert.Equal(g.Layers * (1L << 30) / 32, g.KvCacheBytes));
        Assert.Equal(32, estimate.Gpus.Sum(g => g.Layers));
    }

    [Fact]
    public void Forcing_more_layers_than_fit_does_not_fit_and_says_by_how_much()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { GpuLayers = -1 }, [Gpu(4, "RTX 3050")]);

        Assert.Equal(FitKind.DoesNotFit, estimate.Verdict.Kind);
        Assert.StartsWith("Needs 5.9 GiB VRAM on RTX 3050, you have 4 GiB free: try ", estimate.Verdict.Message, StringComparison.Ordinal);
        Assert.Contains(estimate.Verdict.Suggestions, s => s.EndsWith("GPU layers", StringComparison.Ordinal));
    }

    [Fact]
    public void Partial_offload_names_what_a_full_fit_needs_and_what_would_make_it_fit()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, new RunSettings { ContextLength = 32768 }, [Gpu(8)]);

        Assert.Equal(FitKind.PartialOffload, estimate.Verdict.Kind);
        Assert.Contains("needs 8.9 GiB VRAM, you have 8 GiB: try q8_0 KV cache or 16384 context or ", estimate.Verdict.Message, StringComparison.Ordinal);
        Assert.Equal(["q8_0 KV cache", "16384 context"], estimate.Verdict.Suggestions.Take(2));
    }

    [Fact]
    public void Without_flash_attention_turning_it_on_is_suggested_first()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, new RunSettings { ContextLength = 16384, FlashAttention = false }, [Gpu(8)]);

        Assert.Equal(FitKind.PartialOffload, estimate.Verdict.Kind);
        Assert.Equal("flash attention", estimate.Verdict.Suggestions[0]);
        Assert.Contains("q8_0 KV cache with flash attention", estimate.Verdict.Suggestions);
    }

    [Fact]
    public void Each_suggestion_really_makes_the_model_fit()
    {
        var gpus = new[] { Gpu(8) };
        var settings = new RunSettings { ContextLength = 32768 };

        var suggestions = MemoryEstimator.Estimate(Llama3Q4, settings, gpus).Verdict.Suggestions;

        Assert.Equal(FitKind.FitsFully, MemoryEstimator.Estimate(Llama3Q4, settings with { KeyCacheType = KvCacheType.Q8_0, ValueCacheType = KvCacheType.Q8_0 }, gpus).Verdict.Kind);
        Assert.Equal(FitKind.FitsFully, MemoryEstimator.Estimate(Llama3Q4, settings with { ContextLength = 16384 }, gpus).Verdict.Kind);
        var quant = QuantizationCatalog.Gguf(Llama3Q4, suggestions[2]).Model;
        Assert.Equal(FitKind.FitsFully, MemoryEstimator.Estimate(quant, settings, gpus).Verdict.Kind);
    }

    [Fact]
    public void Choosing_fewer_gpu_layers_than_fit_says_that_all_would_fit()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K with { GpuLayers = 20 }, [Gpu(24)]);

        Assert.Equal(FitKind.PartialOffload, estimate.Verdict.Kind);
        Assert.StartsWith("20 of 33 layers on the GPU as set; all would fit", estimate.Verdict.Message, StringComparison.Ordinal);
        Assert.Equal(["33 GPU layers"], estimate.Verdict.Suggestions);
    }

    [Fact]
    public void A_gpu_too_small_for_any_layer_leaves_the_model_on_the_cpu()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [Gpu(0.75)]);

        Assert.Equal(FitKind.CpuOnly, estimate.Verdict.Kind);
        Assert.Equal(0, estimate.GpuLayers);
        Assert.Equal(0, estimate.TotalGpuBytes);
        Assert.StartsWith("Runs on the CPU only: nothing fits on the GPU", estimate.Verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_little_ram_does_not_fit_and_says_how_much_is_needed()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [], availableRamBytes: 4 * ByteSize.GiB);

        Assert.Equal(FitKind.DoesNotFit, estimate.Verdict.Kind);
        Assert.StartsWith("Needs 5.8 GiB RAM, you have 4 GiB", estimate.Verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ram_that_suffices_runs_on_the_cpu()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, [], availableRamBytes: 16 * ByteSize.GiB);

        Assert.Equal(FitKind.CpuOnly, estimate.Verdict.Kind);
        Assert.Equal("Runs on the CPU only: needs 5.8 GiB RAM.", estimate.Verdict.Message);
    }

    [Fact]
    public void Tied_embeddings_are_copied_to_the_gpu_that_runs_the_output_layer()
    {
        var tied = (KnownShapes.Llama3_8B with { TiedEmbeddings = true }).ToModel();

        var estimate = MemoryEstimator.Estimate(tied, Ctx8K, [Gpu(48)]);

        Assert.Equal(tied.TotalWeightBytes, estimate.WeightsGpuBytes);
        Assert.Equal(tied.InputEmbeddingBytes, estimate.WeightsCpuBytes);
    }

    [Fact]
    public void A_context_beyond_the_training_context_is_warned_about()
    {
        var estimate = MemoryEstimator.Estimate(Llama3Q4, new RunSettings { ContextLength = 32768 }, [Gpu(24)]);

        Assert.Contains(estimate.Warnings, w => w.Contains("trained for", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => MemoryEstimator.Estimate(Llama3Q4, new RunSettings { MicroBatchSize = 0 }, []));

        Assert.Equal(nameof(RunSettings.MicroBatchSize), error.ParamName);
    }
}
