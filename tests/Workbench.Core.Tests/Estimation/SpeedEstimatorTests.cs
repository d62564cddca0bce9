using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class SpeedEstimatorTests
{
    private static readonly double Rtx4090Bandwidth = GpuBandwidth.FromClock(10501, 384, 2);
    private static readonly double DualChannelDdr5 = GpuBandwidth.FromDdr(6000, 2);
    private static readonly EstimationModel Llama3Q4 = QuantizationCatalog.Gguf(KnownShapes.Llama3_8BModel, "Q4_K_M").Model;
    private static readonly RunSettings Ctx8K = new() { ContextLength = 8192 };

    private static SpeedEstimate Speed(EstimationModel model, RunSettings settings, double gib, long tokens = 1000)
    {
        GpuBudget[] gpus = gib > 0 ? [GpuBudget.WithGibibytes("RTX 4090", gib, Rtx4090Bandwidth)] : [];
        var memory = MemoryEstimator.Estimate(model, settings, gpus);
        return SpeedEstimator.EstimateDecode(model, settings, memory, gpus, DualChannelDdr5, tokens);
    }

    [Fact]
    public void Rtx_4090_clock_and_bus_give_1008_gb_per_second()
    {
        Assert.Equal(1008.1e9, Rtx4090Bandwidth, 1e8);
    }

    [Fact]
    public void Dual_channel_ddr5_6000_gives_96_gb_per_second()
    {
        Assert.Equal(96e9, DualChannelDdr5, 1);
    }

    [Fact]
    public void Full_offload_speed_is_bandwidth_over_bytes_read_per_token()
    {
        var speed = Speed(Llama3Q4, Ctx8K, 24, tokens: 0);
        var bytes = Llama3Q4.TotalWeightBytes - Llama3Q4.InputEmbeddingBytes;

        Assert.Equal(bytes, speed.GpuBytesPerToken, 1);
        Assert.Equal(0, speed.CpuBytesPerToken);
        Assert.Equal(Rtx4090Bandwidth / bytes, speed.TheoreticalTokensPerSecond, 6);
    }

    [Fact]
    public void The_range_is_half_to_four_fifths_of_theory()
    {
        var speed = Speed(Llama3Q4, Ctx8K, 24);

        Assert.Equal(0.5 * speed.TheoreticalTokensPerSecond, speed.LowTokensPerSecond, 9);
        Assert.Equal(0.8 * speed.TheoreticalTokensPerSecond, speed.HighTokensPerSecond, 9);
        Assert.InRange(speed.HighTokensPerSecond, 100, 200);
    }

    [Fact]
    public void A_longer_context_is_slower_because_more_cache_is_read()
    {
        Assert.True(Speed(Llama3Q4, Ctx8K, 24, tokens: 8000).TheoreticalTokensPerSecond < Speed(Llama3Q4, Ctx8K, 24, tokens: 100).TheoreticalTokensPerSecond);
    }

    [Fact]
    public void Partial_offload_is_slower_than_full_and_faster_than_cpu_only()
    {
        var full = Speed(Llama3Q4, Ctx8K, 24);
        var partial = Speed(Llama3Q4, Ctx8K, 3.5);
        var cpu = Speed(Llama3Q4, Ctx8K, 0);

        Assert.True(partial.TheoreticalTokensPerSecond < full.TheoreticalTokensPerSecond);
        Assert.True(cpu.TheoreticalTokensPerSecond < partial.TheoreticalTokensPerSecond);
        Assert.True(partial.LimitedByCpu);
    }

    [Fact]
    public void Gpu_and_cpu_times_add_up()
    {
        var partial = Speed(Llama3Q4, Ctx8K, 3.5);

        Assert.Equal(1 / (partial.GpuSecondsPerToken + partial.CpuSecondsPerToken), partial.TheoreticalTokensPerSecond, 9);
        Assert.Equal(partial.CpuBytesPerToken / DualChannelDdr5, partial.CpuSecondsPerToken, 12);
    }

    [Fact]
    public void A_mixture_of_experts_reads_only_the_routed_experts()
    {
        var moe = QuantizationCatalog.Gguf(KnownShapes.Qwen3_30B_A3B.ToModel(), "Q4_K_M").Model;

        var speed = Speed(moe, Ctx8K, 0, tokens: 0);

        // 8 of 128 experts: the bytes read are a small fraction of the weights.
        Assert.InRange(speed.CpuBytesPerToken / moe.TotalWeightBytes, 0.05, 0.2);
    }

    [Fact]
    public void A_gpu_without_a_known_bandwidth_is_refused_for_speed()
    {
        GpuBudget[] gpus = [GpuBudget.WithGibibytes("unknown", 24)];
        var memory = MemoryEstimator.Estimate(Llama3Q4, Ctx8K, gpus);

        Assert.Throws<ArgumentException>(() => SpeedEstimator.EstimateDecode(Llama3Q4, Ctx8K, memory, gpus, DualChannelDdr5, 100));
    }
}
