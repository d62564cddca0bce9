using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Web.Estimation;

/// <summary>
/// An estimate as the estimate API answers it: a subject judged by one runtime with its settings, on some GPUs, with
/// the decode speed to expect. The library's estimates and the hub's rows are both made here, so they cannot differ.
/// </summary>
/// <param name="Subject">The weights as stored or re-quantized.</param>
/// <param name="Judge">The runtime whose memory accounting applies.</param>
/// <param name="Settings">llama.cpp's settings (context, cache type, sequences …).</param>
/// <param name="Runtime">The other runtimes' settings (ExLlamaV2 cache, vLLM's share of VRAM).</param>
/// <param name="Gpus">The GPUs judged on.</param>
/// <param name="Estimate">The estimate.</param>
/// <param name="Speed">Decode speed to expect, when the bandwidth is known.</param>
public sealed record JudgedEstimate(
    EstimationSubject Subject, InferenceRuntime Judge, RunSettings Settings, RuntimeSettings Runtime, IReadOnlyList<GpuBudget> Gpus, MemoryEstimate Estimate, SpeedEstimate? Speed)
{
    /// <summary>Judges <paramref name="subject"/> by <paramref name="judge"/> on <paramref name="gpus"/> and the available RAM.</summary>
    public static JudgedEstimate Make(
        EstimationSubject subject, InferenceRuntime judge, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus,
        long? availableRamBytes, double? ramBytesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var estimate = RuntimeMemoryEstimator.Estimate(subject.Model, subject.Format, judge, settings, runtime, gpus, availableRamBytes);
        var speed = EstimateBreakdown.Of(subject.Model, settings, estimate, gpus, ramBytesPerSecond).Speed;
        return new JudgedEstimate(subject, judge, settings, runtime, gpus, estimate, speed);
    }
}
