using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Web.Estimation;

/// <summary>
/// One Compare cell taken apart for the stacked bar: what the GPU(s) and the RAM hold, part by part,
/// and the decode speed to expect when the hardware's bandwidth is known.
/// </summary>
/// <param name="Parts">Part name → (GPU bytes, RAM bytes), in the order the bar stacks them.</param>
/// <param name="Speed">Expected decode speed, or null when the bandwidth is unknown (what-if sizes).</param>
/// <param name="SpeedNote">Why there is no speed, or what it assumes.</param>
public sealed record EstimateBreakdown(IReadOnlyList<(string Part, long GpuBytes, long RamBytes)> Parts, SpeedEstimate? Speed, string SpeedNote)
{
    /// <summary>
    /// RAM bandwidth assumed when the worker has not measured its own: dual-channel DDR4-3200, a common desktop.
    /// Labelled as an assumption wherever it is used.
    /// </summary>
    public static readonly double AssumedRamBytesPerSecond = GpuBandwidth.FromDdr(3200, channels: 2);

    /// <summary>The breakdown of <paramref name="estimate"/>, made with <paramref name="settings"/> on <paramref name="gpus"/>.</summary>
    public static EstimateBreakdown Of(EstimationModel model, RunSettings settings, MemoryEstimate estimate, IReadOnlyList<GpuBudget> gpus, double? ramBytesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(gpus);
        IReadOnlyList<(string, long, long)> parts =
        [
            ("weights", estimate.WeightsGpuBytes, estimate.WeightsCpuBytes),
            ("KV cache", estimate.KvCacheGpuBytes, estimate.KvCacheCpuBytes),
            ("compute", estimate.ComputeGpuBytes, estimate.ComputeCpuBytes + estimate.OutputBufferBytes),
            ("overhead", estimate.OverheadBytes, 0),
        ];

        if (estimate.Verdict.Kind == FitKind.DoesNotFit)
        {
            return new EstimateBreakdown(parts, null, "It does not fit, so it does not run at any speed.");
        }

        if (estimate.GpuLayers > 0 && gpus.Any(g => g.MemoryBandwidthBytesPerSecond is null))
        {
            return new EstimateBreakdown(parts, null, "Speed needs the GPU's memory bandwidth: pick a detected GPU, or one by name.");
        }

        var ram = ramBytesPerSecond ?? AssumedRamBytesPerSecond;
        var speed = SpeedEstimator.EstimateDecode(model, settings, estimate, gpus, ram, estimate.Context.RequestedContext / 2);
        var note = ramBytesPerSecond is null && speed.CpuBytesPerToken > 0
            ? "Estimate at half-full context; RAM assumed dual-channel DDR4-3200."
            : "Estimate at half-full context, from memory bandwidth.";
        if (estimate.Runtime == InferenceRuntime.Vllm && gpus.Count > 1)
        {
            // Tensor parallel: each GPU reads its share of every layer at the same time, instead of one GPU after the other.
            var n = gpus.Count;
            speed = speed with
            {
                LowTokensPerSecond = speed.LowTokensPerSecond * n,
                HighTokensPerSecond = speed.HighTokensPerSecond * n,
                TheoreticalTokensPerSecond = speed.TheoreticalTokensPerSecond * n,
                GpuSecondsPerToken = speed.GpuSecondsPerToken / n,
            };
            note += $" {n} GPUs in tensor parallel read their shares at once (counted as scaling fully; the all-reduce between them costs some of it).";
        }

        return new EstimateBreakdown(parts, speed, note);
    }
}
