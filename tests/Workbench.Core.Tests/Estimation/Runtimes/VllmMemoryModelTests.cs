using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Tests.Estimation.Runtimes;

/// <summary>vLLM's memory, against its own accounting (vllm/v1/worker/gpu_worker.py, vllm/v1/kv_cache_interface.py).</summary>
public sealed class VllmMemoryModelTests
{
    private static readonly EstimationModel Llama3_8B = KnownShapes.Llama3_8B.ToModel() with { TrainingContextLength = 131072 };
    private static readonly EstimationModel Gptq = QuantizationCatalog.Gptq(Llama3_8B).Model;

    [Fact]
    public void A_llama_3_8b_request_of_8k_tokens_takes_512_blocks_of_2_mib()
    {
        // page_size_bytes = 2 × 16 tokens × 8 KV heads × 128 × 2 bytes = 64 KiB per layer; 32 layers: 2 MiB per block,
        // 128 KiB per token.
        Assert.Equal(512L * 2 * 1024 * 1024, VllmMemoryModel.RequestKvBytes(Llama3_8B, 8192));
        Assert.Equal(VllmMemoryModel.RequestKvBytes(Llama3_8B, 16), VllmMemoryModel.RequestKvBytes(Llama3_8B, 1));
    }

    [Fact]
    public void The_kv_pool_is_the_utilization_share_less_weights_activations_graphs_and_context()
    {
        var gpu = GpuBudget.WithGibibytes("24 GB", 24);
        var runtime = RuntimeSettings.Default;
        var estimate = VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = 8192 }, runtime, [gpu]);

        var share = (long)(gpu.FreeBytes * 0.9);
        // A 24 GB card gets vLLM's small defaults: 2048 batched tokens, 256 sequences.
        var expected = share - Gptq.TotalWeightBytes - VllmMemoryModel.ActivationPeakBytes(Gptq, 2048, 256) - runtime.VllmCudaGraphBytes - RunSettings.Default.RuntimeOverheadPerGpuBytes;
        var capacity = estimate.Capacity!;
        Assert.Equal(expected, capacity.PoolBytes);
        Assert.Equal(expected / (2 * 1024 * 1024) * 16, capacity.Tokens);
        Assert.Equal(Math.Min(capacity.Tokens, 131072), capacity.MaxContextLength);
        Assert.Equal((double)expected / (512L * 2 * 1024 * 1024), capacity.ConcurrentSequences, 6);
        Assert.Equal(share, estimate.TotalGpuBytes);
        Assert.Equal(FitKind.FitsFully, estimate.Verdict.Kind);
    }

    [Fact]
    public void Fits_are_monotone_in_utilization_and_the_pool_grows_with_it()
    {
        var gpu = GpuBudget.WithGibibytes("12 GB", 12);
        var settings = RunSettings.Default with { ContextLength = 32768 };
        var previousPool = -1L;
        var fitted = false;
        for (var utilization = 0.5; utilization <= 1.0001; utilization += 0.02)
        {
            var estimate = VllmMemoryModel.Estimate(Gptq, settings, RuntimeSettings.Default with { GpuMemoryUtilization = Math.Min(1, utilization) }, [gpu]);
            var fits = estimate.Verdict.Kind == FitKind.FitsFully;
            Assert.False(fitted && !fits, $"fitted at a lower utilization but not at {utilization:0.00}");
            Assert.True(estimate.Capacity!.PoolBytes >= previousPool);
            previousPool = estimate.Capacity.PoolBytes;
            fitted |= fits;
        }

        Assert.True(fitted);
    }

    [Fact]
    public void More_context_never_fits_more_concurrent_sequences()
    {
        var concurrency = FitTable.ContextColumns(131072)
            .Select(c => VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = c }, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24)]).Capacity!.ConcurrentSequences)
            .ToList();

        Assert.Equal(concurrency.OrderDescending(), concurrency);
    }

    [Fact]
    public void A_context_longer_than_the_pool_does_not_fit_and_names_the_longest_that_does()
    {
        var estimate = VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = 131072 }, RuntimeSettings.Default, [GpuBudget.WithGibibytes("12 GB", 12)]);

        Assert.Equal(FitKind.DoesNotFit, estimate.Verdict.Kind);
        Assert.Contains("the longest request it holds is", estimate.Verdict.Message, StringComparison.Ordinal);
        Assert.Contains(estimate.Verdict.Suggestions, s => s.EndsWith(" context", StringComparison.Ordinal));
    }

    [Fact]
    public void Tensor_parallel_gpus_each_hold_half_the_weights_and_half_the_kv_heads()
    {
        var two = VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = 8192 }, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24 GB", 24), GpuBudget.WithGibibytes("24 GB", 24)]);

        Assert.All(two.Gpus, g => Assert.Equal(Gptq.TotalWeightBytes / 2, g.WeightBytes));
        Assert.Equal(VllmMemoryModel.RequestKvBytes(Llama3_8B, 8192) / 2, VllmMemoryModel.RequestKvBytes(Llama3_8B, 8192, tensorParallel: 2));
    }

    [Theory]
    // vllm/engine/arg_utils.py get_batch_defaults: 8192 tokens and 1024 sequences from 70 GiB up except on an A100.
    [InlineData("RTX 3090", 24, 2048, 256)]
    [InlineData("H100 PCIe 80 GB", 80, 8192, 1024)]
    [InlineData("A100 80 GB PCIe", 80, 2048, 256)]
    public void The_batch_vllm_profiles_with_follows_its_defaults_for_the_gpu(string name, int gib, int tokens, int sequences)
    {
        Assert.Equal((tokens, sequences), RuntimeSettings.Default.VllmBatchFor(GpuBudget.WithGibibytes(name, gib)));
        Assert.Equal((512, 8), (RuntimeSettings.Default with { VllmMaxBatchedTokens = 512, VllmMaxSequences = 8 }).VllmBatchFor(GpuBudget.WithGibibytes(name, gib)));
    }

    [Fact]
    public void Heads_that_do_not_divide_by_the_gpu_count_are_refused()
    {
        var three = VllmMemoryModel.Estimate(Gptq, RunSettings.Default, RuntimeSettings.Default, [.. Enumerable.Repeat(GpuBudget.WithGibibytes("24 GB", 24), 3)]);

        Assert.Equal(FitKind.DoesNotFit, three.Verdict.Kind);
        Assert.Contains("32 heads do not divide by 3 GPUs", three.Verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_share_above_the_memory_other_processes_leave_free_is_refused_as_vllm_refuses_to_start()
    {
        var busy = new GpuBudget("RTX 3090", 20L << 30, TotalBytes: 24L << 30);

        var estimate = VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = 4096 }, RuntimeSettings.Default, [busy]);

        Assert.Equal(FitKind.DoesNotFit, estimate.Verdict.Kind);
        Assert.Contains("refuses to start", estimate.Verdict.Message, StringComparison.Ordinal);
        // 0.8 × 24 GiB = 19.2 GiB fits in the 20 GiB the other processes leave.
        Assert.Equal(FitKind.FitsFully, VllmMemoryModel.Estimate(Gptq, RunSettings.Default with { ContextLength = 4096 }, RuntimeSettings.Default with { GpuMemoryUtilization = 0.8 }, [busy]).Verdict.Kind);
    }
}
