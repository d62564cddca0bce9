namespace Workbench.Core.Estimation;

/// <summary>
/// Expected generation speed. Decoding one token reads every active weight and the filled KV cache once, so it is
/// bound by memory bandwidth; the range applies the efficiency real runtimes reach (by default 50–80 % of theory).
/// </summary>
/// <param name="LowTokensPerSecond">At the low efficiency.</param>
/// <param name="HighTokensPerSecond">At the high efficiency.</param>
/// <param name="TheoreticalTokensPerSecond">At full bandwidth: an upper bound.</param>
/// <param name="GpuBytesPerToken">Bytes read from GPU memory per token (all GPUs).</param>
/// <param name="CpuBytesPerToken">Bytes read from RAM per token.</param>
/// <param name="GpuSecondsPerToken">Time the GPUs spend per token at full bandwidth.</param>
/// <param name="CpuSecondsPerToken">Time the CPU spends per token at full bandwidth.</param>
public sealed record SpeedEstimate(
    double LowTokensPerSecond,
    double HighTokensPerSecond,
    double TheoreticalTokensPerSecond,
    double GpuBytesPerToken,
    double CpuBytesPerToken,
    double GpuSecondsPerToken,
    double CpuSecondsPerToken)
{
    /// <summary>True when the part on the CPU takes longer than the part on the GPUs.</summary>
    public bool LimitedByCpu => CpuSecondsPerToken > GpuSecondsPerToken;
}
