using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Tests.Estimation.Runtimes;

/// <summary>Transformers' memory: weights, DynamicCache in fp16, the prefill's activations.</summary>
public sealed class TransformersMemoryModelTests
{
    private static readonly EstimationModel Llama3_8B = KnownShapes.Llama3_8B.ToModel();
    private static readonly EstimationModel Awq = QuantizationCatalog.Awq(Llama3_8B).Model;

    [Fact]
    public void The_kv_cache_is_fp16_for_every_token_plus_one_layer_while_it_grows()
    {
        var estimate = TransformersMemoryModel.Estimate(Awq, RunSettings.Default with { ContextLength = 8192 }, [GpuBudget.WithGibibytes("24 GB", 24)], quantized: true);

        // cache_utils.py DynamicLayer: keys and values (1, 8 heads, 8192, 128) fp16 per layer: 32 MiB; 32 layers: 1 GiB, and torch.cat copies one layer.
        Assert.Equal(1_073_741_824L + 32 * 1024 * 1024, estimate.KvCacheGpuBytes);
        Assert.Equal(Awq.TotalWeightBytes, estimate.WeightsGpuBytes);
        Assert.Equal(InferenceRuntime.Transformers, estimate.Runtime);
    }

    [Fact]
    public void The_prefill_activations_grow_with_the_prompt()
    {
        // 4096 tokens × (2 × 4096 hidden + 4096 q + 2 × 1024 kv + 3 × 14336 ff) × 2 bytes.
        Assert.Equal(4096L * (8192 + 4096 + 2048 + 43008) * 2, TransformersMemoryModel.ActivationPeakBytes(Llama3_8B, 4096));
    }

    [Fact]
    public void More_context_never_needs_less_memory()
    {
        var totals = FitTable.ContextColumns(131072)
            .Select(c => TransformersMemoryModel.Estimate(Awq, RunSettings.Default with { ContextLength = c }, [GpuBudget.WithGibibytes("80 GB", 80)], quantized: true).TotalGpuBytes)
            .ToList();

        Assert.Equal(totals.Order(), totals);
    }
}
