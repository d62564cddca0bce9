using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class MeasuredCorrectionTests
{
    private static readonly EstimationModel Llama8B = KnownShapes.Llama3_8BModel;

    [Fact]
    public void Factors_are_measured_over_estimated_per_part()
    {
        var correction = MeasuredCorrection.FromLoad(1000, 1000, 400, 410, 200, 180);

        Assert.NotNull(correction);
        Assert.Equal(1.0, correction.WeightsFactor, 6);
        Assert.Equal(1.025, correction.KvCacheFactor, 6);
        Assert.Equal(0.9, correction.ComputeFactor, 6);
        Assert.Equal("weights +0.0 %, KV cache +2.5 %, compute −10.0 %", correction.Describe());
    }

    [Fact]
    public void A_part_off_by_more_than_two_times_is_clamped()
    {
        var correction = MeasuredCorrection.FromLoad(1000, 5000, 400, 400, 200, 10);

        Assert.NotNull(correction);
        Assert.Equal(MeasuredCorrection.MaxFactor, correction.WeightsFactor);
        Assert.Equal(MeasuredCorrection.MinFactor, correction.ComputeFactor);
    }

    [Theory]
    [InlineData(0, 1000, 200, 180)]
    [InlineData(1000, 0, 200, 180)]
    [InlineData(1000, 1000, 0, 180)]
    [InlineData(1000, 1000, 200, 0)]
    public void Nothing_to_compare_gives_no_correction(long estimatedWeights, long measuredWeights, long estimatedCompute, long measuredCompute) =>
        Assert.Null(MeasuredCorrection.FromLoad(estimatedWeights, measuredWeights, 400, 400, estimatedCompute, measuredCompute));

    [Fact]
    public void A_model_without_kv_cache_keeps_its_kv_factor_at_one()
    {
        var correction = MeasuredCorrection.FromLoad(1000, 1000, 0, 0, 200, 220);

        Assert.Equal(1.0, correction!.KvCacheFactor);
    }

    [Fact]
    public void Each_part_of_a_cpu_estimate_is_scaled_by_its_factor()
    {
        var settings = RunSettings.Default with { ContextLength = 8192 };
        var plain = MemoryEstimator.Estimate(Llama8B, settings, []);
        var correction = new MeasuredCorrection(1.0, 1.5, 0.8);

        var corrected = MemoryEstimator.Estimate(Llama8B, settings with { Correction = correction }, []);

        Assert.Null(plain.Correction);
        Assert.Same(correction, corrected.Correction);
        Assert.Equal(plain.WeightsCpuBytes, corrected.WeightsCpuBytes);
        // KV is summed per layer, each rounded: at most one byte per layer apart from the whole scaled at once.
        Assert.InRange(corrected.KvCacheCpuBytes - (long)(plain.KvCacheCpuBytes * 1.5), -Llama8B.LayerCount, Llama8B.LayerCount);
        Assert.Equal(Math.Round(plain.ComputeCpuBytes * 0.8), corrected.ComputeCpuBytes, 0);
        Assert.Equal(plain.OutputBufferBytes, corrected.OutputBufferBytes);
    }

    [Fact]
    public void A_larger_measured_kv_cache_moves_layers_off_a_gpu_that_was_just_big_enough()
    {
        var settings = RunSettings.Default with { ContextLength = 32768 };
        var full = MemoryEstimator.Estimate(Llama8B, settings with { GpuLayers = -1 }, [GpuBudget.WithGibibytes("GPU", 80)]);
        // Exactly enough for the formulas' full offload plus the auto-fit margin.
        var gpu = new GpuBudget("GPU", full.TotalGpuBytes + settings.AutoFitMarginBytes);

        var plain = MemoryEstimator.Estimate(Llama8B, settings, [gpu]);
        var corrected = MemoryEstimator.Estimate(Llama8B, settings with { Correction = new MeasuredCorrection(1.0, 1.1, 1.0) }, [gpu]);

        Assert.Equal(FitKind.FitsFully, plain.Verdict.Kind);
        Assert.Equal(FitKind.PartialOffload, corrected.Verdict.Kind);
        Assert.True(corrected.GpuLayers < plain.GpuLayers);
    }
}
