namespace Workbench.Core.Estimation;

/// <summary>
/// The community's quick rule for the memory a model needs: parameters × bits per weight / 8, plus 20 % for the KV
/// cache and buffers at modest contexts. A cross-check for <see cref="MemoryEstimator"/>, not a replacement: it knows
/// nothing of context length, cache type or architecture.
/// </summary>
public static class RuleOfThumb
{
    /// <summary>The 20 % allowance for cache, buffers and runtime.</summary>
    public const double Overhead = 1.2;

    /// <summary>Gigabytes (10⁹ bytes) needed: P × Q / 8 × 1.2, P in billions of parameters, Q in bits per weight.</summary>
    public static double Gigabytes(double parameterBillions, double bitsPerWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterBillions);
        ArgumentOutOfRangeException.ThrowIfNegative(bitsPerWeight);
        return parameterBillions * bitsPerWeight / 8 * Overhead;
    }

    /// <summary>Largest model (billions of parameters) that fits in <paramref name="gigabytes"/> at <paramref name="bitsPerWeight"/> by the same rule.</summary>
    public static double LargestParameterBillions(double gigabytes, double bitsPerWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gigabytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerWeight);
        return gigabytes * 8 / (bitsPerWeight * Overhead);
    }
}
