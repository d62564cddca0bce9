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
    /// <summary>The parts of <paramref name="estimate"/> beside llama.cpp's <paramref name="measured"/> buffers.</summary>
    public static (LoadParts Estimated, LoadParts Measured) Of(MemoryEstimate estimate, LlamaBuffers measured)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(measured);
        return (
            new LoadParts(
                estimate.WeightsGpuBytes + estimate.WeightsCpuBytes,
                estimate.KvCacheBytes,
                estimate.ComputeGpuBytes + estimate.ComputeCpuBytes + estimate.OutputBufferBytes),
            new LoadParts(measured.ModelBytes, measured.KvCacheBytes, measured.ComputeBytes + measured.OutputBytes));
    }
}
