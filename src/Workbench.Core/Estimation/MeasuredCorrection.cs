using System.Globalization;

namespace Workbench.Core.Estimation;

/// <summary>
/// What a real load of a model taught: per part, the bytes llama.cpp allocated ÷ the bytes the estimator predicted for
/// the same settings. Later estimates of that model multiply each part by its factor, so a fit table drawn after the
/// model has run once carries the allocator's real behaviour (fragmentation, backend alignment) to other context
/// lengths and quantizations of the same architecture.
/// </summary>
/// <param name="WeightsFactor">Model buffers measured ÷ estimated.</param>
/// <param name="KvCacheFactor">KV-cache buffers measured ÷ estimated.</param>
/// <param name="ComputeFactor">Compute and output buffers measured ÷ estimated.</param>
public sealed record MeasuredCorrection(double WeightsFactor, double KvCacheFactor, double ComputeFactor)
{
    /// <summary>
    /// Factors are kept within these bounds: a part off by more than 2× means the measurement is of something else
    /// (another backend's layout, a failed context), and one outlier must not halve or double every later table.
    /// </summary>
    public const double MinFactor = 0.5;

    /// <inheritdoc cref="MinFactor"/>
    public const double MaxFactor = 2.0;

    /// <summary>
    /// The correction from one load, or null when a part has nothing to compare (no estimate or no measurement).
    /// </summary>
    public static MeasuredCorrection? FromLoad(
        long estimatedWeights, long measuredWeights, long estimatedKvCache, long measuredKvCache, long estimatedCompute, long measuredCompute)
    {
        if (estimatedWeights <= 0 || measuredWeights <= 0 || estimatedCompute <= 0 || measuredCompute <= 0)
        {
            return null;
        }

        // A model without a KV cache (recurrent layers only) keeps its KV factor at 1.
        var kv = estimatedKvCache > 0 && measuredKvCache > 0 ? Factor(estimatedKvCache, measuredKvCache) : 1.0;
        return new MeasuredCorrection(Factor(estimatedWeights, measuredWeights), kv, Factor(estimatedCompute, measuredCompute));
    }

    /// <summary>Weights bytes as corrected.</summary>
    public long Weights(long bytes) => Scale(bytes, WeightsFactor);

    /// <summary>KV-cache bytes as corrected.</summary>
    public long KvCache(long bytes) => Scale(bytes, KvCacheFactor);

    /// <summary>Compute-buffer bytes as corrected.</summary>
    public long Compute(long bytes) => Scale(bytes, ComputeFactor);

    /// <summary>"compute −4.2 %, KV +0.0 %, weights +0.0 %": each factor as a change, for a tooltip or note.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"weights {Change(WeightsFactor)}, KV cache {Change(KvCacheFactor)}, compute {Change(ComputeFactor)}");

    private static double Factor(long estimated, long measured) => Math.Clamp(measured / (double)estimated, MinFactor, MaxFactor);

    private static long Scale(long bytes, double factor) => checked((long)Math.Round(bytes * factor, MidpointRounding.AwayFromZero));

    private static string Change(double factor) => ((factor - 1) * 100).ToString("+0.0;−0.0;+0.0", CultureInfo.InvariantCulture) + " %";
}
