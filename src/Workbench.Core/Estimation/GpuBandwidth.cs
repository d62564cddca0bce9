namespace Workbench.Core.Estimation;

/// <summary>Theoretical memory bandwidth from what drivers and spec sheets report.</summary>
public static class GpuBandwidth
{
    /// <summary>
    /// Bytes per second: clock × transfers per clock × bus width / 8. NVML reports GDDR6/GDDR6X memory clocks at half
    /// the data rate (an RTX 4090 reports 10,501 MHz for 21 Gbps on 384 bits: multiplier 2 gives 1,008 GB/s); HBM
    /// clocks are double data rate as well (multiplier 2). Use 1 when the clock given is already the data rate.
    /// </summary>
    public static double FromClock(double memoryClockMHz, int busWidthBits, double dataRateMultiplier = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryClockMHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(busWidthBits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataRateMultiplier);
        return memoryClockMHz * 1e6 * dataRateMultiplier * busWidthBits / 8;
    }

    /// <summary>
    /// System RAM bandwidth: transfers per second (DDR5-6000: 6000 MT/s) × 8 bytes per 64-bit channel × channels
    /// (a desktop has 2, whatever the number of sticks).
    /// </summary>
    public static double FromDdr(double megaTransfersPerSecond, int channels = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(megaTransfersPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        return megaTransfersPerSecond * 1e6 * 8 * channels;
    }
}
