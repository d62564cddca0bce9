using Workbench.Core.Estimation;
using Workbench.Core.Protocol;

namespace Workbench.Web.Estimation;

/// <summary>One part of a load compared: what the estimator said and what llama.cpp allocated.</summary>
/// <param name="Part">weights, KV cache, compute, total.</param>
/// <param name="EstimatedBytes">The estimate for the same settings.</param>
/// <param name="MeasuredBytes">llama.cpp's reported buffers.</param>
public sealed record LoadComparisonRow(string Part, long EstimatedBytes, long MeasuredBytes)
{
    /// <summary>(estimate − measured) / measured; 0 when nothing was measured.</summary>
    public double Error => MeasuredBytes > 0 ? (EstimatedBytes - MeasuredBytes) / (double)MeasuredBytes : 0;
}

/// <summary>Estimate beside measurement for a model that was just loaded, part by part.</summary>
public static class LoadComparison
{
    /// <summary>The rows, or empty when llama.cpp reported no buffers.</summary>
    public static IReadOnlyList<LoadComparisonRow> Of(EstimationModel model, ModelLoadResult loaded, IReadOnlyList<GpuBudget> gpus, int gpuLayers)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Buffers is not { } measured)
        {
            return [];
        }

        var settings = RunSettings.Default with
        {
            ContextLength = loaded.ContextSize,
            MicroBatchSize = loaded.MicroBatchSize > 0 ? loaded.MicroBatchSize : RunSettings.Default.MicroBatchSize,
            FlashAttention = loaded.FlashAttention,
            GpuLayers = gpuLayers,
        };
        var estimate = MemoryEstimator.Estimate(model, settings, gpuLayers > 0 ? gpus : []);
        var compute = estimate.ComputeGpuBytes + estimate.ComputeCpuBytes + estimate.OutputBufferBytes;
        var weights = estimate.WeightsGpuBytes + estimate.WeightsCpuBytes;
        return
        [
            new("weights", weights, measured.ModelBytes),
            new("KV cache", estimate.KvCacheBytes, measured.KvCacheBytes),
            new("compute", compute, measured.ComputeBytes + measured.OutputBytes),
            new("total", weights + estimate.KvCacheBytes + compute, measured.TotalBytes),
        ];
    }
}
