namespace Workbench.Core.Estimation;

/// <summary>
/// Decode speed from memory bandwidth: per token, each device reads the weights it holds (for a mixture of experts,
/// only the routed experts' share) and the KV cache of its layers at the current context; devices work one after the
/// other, so their times add up.
/// </summary>
public static class SpeedEstimator
{
    /// <summary>Default share of theoretical bandwidth reached, low end.</summary>
    public const double DefaultLowEfficiency = 0.5;

    /// <summary>Default share of theoretical bandwidth reached, high end.</summary>
    public const double DefaultHighEfficiency = 0.8;

    /// <summary>Decode speed with <paramref name="contextTokens"/> tokens already in context.</summary>
    /// <param name="model">The model.</param>
    /// <param name="settings">Settings the memory estimate was made with (cache types).</param>
    /// <param name="memory">Where the layers are (from <see cref="MemoryEstimator"/>).</param>
    /// <param name="gpus">The same GPUs, with their bandwidth (needed for every GPU that holds layers).</param>
    /// <param name="ramBytesPerSecond">System memory bandwidth (see <see cref="GpuBandwidth.FromDdr"/>).</param>
    /// <param name="contextTokens">Tokens in context when generating.</param>
    /// <param name="lowEfficiency">Share of theoretical bandwidth for the low end of the range.</param>
    /// <param name="highEfficiency">Share for the high end.</param>
    public static SpeedEstimate EstimateDecode(
        EstimationModel model,
        RunSettings settings,
        MemoryEstimate memory,
        IReadOnlyList<GpuBudget> gpus,
        double ramBytesPerSecond,
        long contextTokens,
        double lowEfficiency = DefaultLowEfficiency,
        double highEfficiency = DefaultHighEfficiency)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ramBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(contextTokens);
        if (!(lowEfficiency > 0 && lowEfficiency <= highEfficiency && highEfficiency <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lowEfficiency), "Efficiencies must satisfy 0 < low ≤ high ≤ 1.");
        }

        var perDevice = new double[gpus.Count];
        double cpuBytes = 0;
        void Read(int device, double bytes)
        {
            if (device < 0)
            {
                cpuBytes += bytes;
            }
            else
            {
                perDevice[device] += bytes;
            }
        }

        var shape = memory.Context;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            var device = memory.LayerDevices[layer];
            Read(device, model.ActiveLayerWeightBytes(layer));
            Read(device, KvCacheSize.ReadPerToken(model, settings, shape, layer, contextTokens));
        }

        Read(memory.OutputLayerDevice, model.OutputHeadDeviceBytes + model.OtherWeightBytes);

        double gpuSeconds = 0;
        for (var d = 0; d < gpus.Count; d++)
        {
            if (perDevice[d] <= 0)
            {
                continue;
            }

            var bandwidth = gpus[d].MemoryBandwidthBytesPerSecond
                ?? throw new ArgumentException($"GPU {d} ({gpus[d].Name}) holds layers but its memory bandwidth is unknown.", nameof(gpus));
            gpuSeconds += perDevice[d] / bandwidth;
        }

        var cpuSeconds = cpuBytes / ramBytesPerSecond;
        var seconds = gpuSeconds + cpuSeconds;
        var theoretical = seconds > 0 ? 1 / seconds : double.PositiveInfinity;
        return new SpeedEstimate(
            theoretical * lowEfficiency,
            theoretical * highEfficiency,
            theoretical,
            perDevice.Sum(),
            cpuBytes,
            gpuSeconds,
            cpuSeconds);
    }
}
