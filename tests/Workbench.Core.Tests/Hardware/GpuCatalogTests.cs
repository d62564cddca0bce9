using Workbench.Core.Estimation;
using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class GpuCatalogTests
{
    /// <summary>CodeLlama-34B (config.json): 48 layers, hidden 8192, 64 heads, 8 KV heads, n_ff 22016, 32,000 tokens.</summary>
    private static readonly EstimationModel CodeLlama34B = new TransformerShape
    {
        Name = "CodeLlama-34B",
        LayerCount = 48,
        EmbeddingLength = 8192,
        HeadCount = 64,
        HeadCountKv = 8,
        FeedForwardLength = 22016,
        VocabularySize = 32000,
        ContextLength = 16384,
    }.ToModel();

    [Fact]
    public void Ids_are_unique_and_every_gpu_has_memory_and_bandwidth()
    {
        Assert.Equal(GpuCatalog.All.Count, GpuCatalog.All.Select(g => g.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(GpuCatalog.All, g => Assert.True(g.MemoryBytes > 0 && g.BandwidthBytesPerSecond > 0, g.Id));
    }

    [Theory]
    [InlineData("rtx-3060-12gb", 12, 360)]
    [InlineData("rtx-3090", 24, 936)]
    [InlineData("rtx-4080", 16, 717)]
    [InlineData("rtx-4090", 24, 1008)]
    [InlineData("rtx-5090", 32, 1792)]
    [InlineData("tesla-p40", 24, 347)]
    public void Home_and_used_datacenter_cards_carry_their_spec_sheet_figures(string id, int gib, int gigabytesPerSecond)
    {
        var gpu = GpuCatalog.Find(id)!;

        Assert.Equal(gib * ByteSize.GiB, gpu.MemoryBytes);
        Assert.Equal(gigabytesPerSecond * 1e9, gpu.BandwidthBytesPerSecond);
    }

    [Fact]
    public void Apple_silicon_offers_the_gpus_share_of_unified_memory()
    {
        var mac = GpuCatalog.Find("M3-MAX-128GB")!;

        Assert.True(mac.UnifiedMemory);
        Assert.Equal(96 * ByteSize.GiB, mac.ToBudget().FreeBytes);
        Assert.Equal(GpuVendor.Apple, mac.ToBudget().Vendor);
    }

    [Fact]
    public void A_34b_model_at_4_bit_fits_an_rtx_3090_with_a_speed_but_not_an_rtx_4080()
    {
        var q4 = QuantizationCatalog.Gguf(CodeLlama34B, "Q4_K_M").Model;
        var settings = RunSettings.Default with { ContextLength = 4096 };
        IReadOnlyList<GpuBudget> rtx3090 = [GpuCatalog.Find("rtx-3090")!.ToBudget()];
        IReadOnlyList<GpuBudget> rtx4080 = [GpuCatalog.Find("rtx-4080")!.ToBudget()];

        var on3090 = MemoryEstimator.Estimate(q4, settings, rtx3090);
        var on4080 = MemoryEstimator.Estimate(q4, settings, rtx4080);
        var speed = SpeedEstimator.EstimateDecode(q4, settings, on3090, rtx3090, GpuBandwidth.FromDdr(3200), 2048);

        Assert.Equal(FitKind.FitsFully, on3090.Verdict.Kind);
        Assert.Equal(FitKind.PartialOffload, on4080.Verdict.Kind);
        // ~20 GB of weights read per token at 936 GB/s: about 45 tokens/s in theory, 23–37 at 50–80 %.
        Assert.InRange(speed.HighTokensPerSecond, 30, 45);
    }
}
