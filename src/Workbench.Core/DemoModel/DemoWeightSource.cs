namespace Workbench.Core.DemoModel;

/// <summary>
/// Deterministic, approximately normal random numbers built from integer arithmetic only (SplitMix64 and the sum of
/// four uniform 16-bit values), so the same seed gives the same weights on every machine and runtime.
/// </summary>
internal struct DemoWeightSource
{
    // Standard deviation of the sum of four independent uniform integers in [0, 65535].
    private const double SumStandardDeviation = 37_837.2276;
    private const int SumMean = 2 * 65_535;

    private readonly float _scale;
    private ulong _state;

    public DemoWeightSource(int seed, int stream, float standardDeviation)
    {
        _state = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)stream * 0xD1B54A32D192ED03UL));
        _scale = (float)(standardDeviation / SumStandardDeviation);
    }

    public float NextWeight()
    {
        var r = NextUInt64();
        var sum = (int)(r & 0xFFFF) + (int)((r >> 16) & 0xFFFF) + (int)((r >> 32) & 0xFFFF) + (int)(r >> 48);
        return (sum - SumMean) * _scale;
    }

    private ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
