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

/// <summary>Estimate beside measurement for a model that was just loaded.</summary>
public static class LoadComparison
{
    /// <summary>The formula-only estimate of <paramref name="loaded"/>'s settings, or null when llama.cpp reported no buffers.</summary>
    public static (LoadParts Estimated, LoadParts Measured)? Of(EstimationModel model, ModelLoadResult loaded, IReadOnlyList<GpuBudget> gpus, int gpuLayers)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Buffers is not { } measured)
        {
            return null;
        }

        var settings = RunSettings.Default with
        {
            ContextLength = loaded.ContextSize,
            MicroBatchSize = loaded.MicroBatchSize > 0 ? loaded.MicroBatchSize : RunSettings.Default.MicroBatchSize,
            FlashAttention = loaded.FlashAttention,
            GpuLayers = gpuLayers,
        };
        var estimate = MemoryEstimator.Estimate(model, settings, gpuLayers > 0 ? gpus : []);
        return (
            new LoadParts(
                estimate.WeightsGpuBytes + estimate.WeightsCpuBytes,
                estimate.KvCacheBytes,
                estimate.ComputeGpuBytes + estimate.ComputeCpuBytes + estimate.OutputBufferBytes),
            new LoadParts(measured.ModelBytes, measured.KvCacheBytes, measured.ComputeBytes + measured.OutputBytes));
    }
}
