using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class HardwareTierAdvisorTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    [Theory]
    [InlineData(0, HardwareTier.Minimal)]
    [InlineData(6 * 1024, HardwareTier.Minimal)]
    [InlineData(7 * 1024, HardwareTier.Minimal)]
    [InlineData(8188, HardwareTier.Models7B)] // RTX 4060 "8 GB"
    [InlineData(8 * 1024, HardwareTier.Models7B)]
    [InlineData(12 * 1024, HardwareTier.Models7B)] // RTX 3060 "12 GB"
    [InlineData(15 * 1024, HardwareTier.Models7B)]
    [InlineData(16376, HardwareTier.Models13B)] // RTX 4080 "16 GB"
    [InlineData(20 * 1024, HardwareTier.Models13B)]
    [InlineData(24564, HardwareTier.Models34B)] // RTX 4090 "24 GB"
    [InlineData(2 * 12 * 1024, HardwareTier.Models34B)] // two 12 GB cards
    [InlineData(40 * 1024, HardwareTier.Models34B)]
    [InlineData(2 * 24564, HardwareTier.Models70B)] // two RTX 4090
    [InlineData(49140, HardwareTier.Models70B)] // RTX A6000 "48 GB"
    [InlineData(80 * 1024, HardwareTier.Models70B)]
    public void Vram_as_cards_report_it_lands_in_the_nominal_tier(long vramMiB, HardwareTier expected)
    {
        Assert.Equal(expected, HardwareTierAdvisor.TierFor(vramMiB * MiB));
    }

    [Theory]
    [InlineData(8, HardwareTier.Models7B)]
    [InlineData(16, HardwareTier.Models13B)]
    [InlineData(24, HardwareTier.Models34B)]
    [InlineData(48, HardwareTier.Models70B)]
    public void Each_threshold_is_five_percent_under_the_nominal_size(int nominalGiB, HardwareTier tier)
    {
        var threshold = (long)(nominalGiB * GiB * 0.95);

        Assert.Equal(tier, HardwareTierAdvisor.TierFor(threshold));
        Assert.Equal(tier - 1, HardwareTierAdvisor.TierFor(threshold - 1));
    }

    [Fact]
    public void Unknown_vram_is_treated_as_no_gpu()
    {
        var advice = HardwareTierAdvisor.Advise(null, null);

        Assert.Equal(HardwareTier.Minimal, advice.Tier);
        Assert.StartsWith("No NVIDIA GPU", advice.Advice);
        Assert.Null(advice.RamAdvice);
    }

    [Fact]
    public void A_small_gpu_is_told_apart_from_no_gpu()
    {
        var advice = HardwareTierAdvisor.Advise(6 * GiB, 32 * GiB);

        Assert.Equal(HardwareTier.Minimal, advice.Tier);
        Assert.StartsWith("Under 8 GiB of VRAM", advice.Advice);
    }

    [Fact]
    public void The_24_gb_tier_runs_34b_at_q4_and_70b_only_at_very_low_bits()
    {
        var advice = HardwareTierAdvisor.Advise(24564 * MiB, 64 * GiB);

        Assert.Contains("34B models fit in VRAM at Q4 (about 17 GiB", advice.Advice);
        Assert.Contains("70B only at very low bits", advice.Advice);
    }

    [Theory]
    [InlineData(0, "8 GiB of VRAM runs 7B")]
    [InlineData(8, "16 GiB of VRAM unlocks 13B")]
    [InlineData(16, "24 GiB of VRAM unlocks 34B")]
    [InlineData(24, "48 GiB of VRAM")]
    public void Each_tier_below_the_top_names_the_upgrade_to_the_next(int vramGiB, string upgrade)
    {
        Assert.Contains(upgrade, HardwareTierAdvisor.Advise(vramGiB * GiB, 32 * GiB).NextUpgrade);
    }

    [Fact]
    public void The_top_tier_has_no_next_upgrade()
    {
        Assert.Null(HardwareTierAdvisor.Advise(48 * GiB, 64 * GiB).NextUpgrade);
    }

    [Theory]
    [InlineData(8, "below the 16 GiB minimum")]
    [InlineData(14, "below the 16 GiB minimum")]
    public void Ram_under_16_gb_is_below_the_minimum(int ramGiB, string expected)
    {
        Assert.Contains(expected, HardwareTierAdvisor.Advise(24 * GiB, ramGiB * GiB).RamAdvice);
    }

    [Fact]
    public void Ram_a_16_gb_machine_reports_meets_the_minimum()
    {
        // A 16 GiB machine shows about 15.5 GiB as MemTotal; the kernel keeps the rest.
        var advice = HardwareTierAdvisor.Advise(8 * GiB, 15_872 * MiB).RamAdvice;

        Assert.DoesNotContain("minimum", advice);
        Assert.Contains("32–64 GiB lets layers that do not fit run on the CPU", advice);
    }

    [Fact]
    public void Ram_of_32_gb_or_more_allows_cpu_offload()
    {
        var advice = HardwareTierAdvisor.Advise(8 * GiB, 31 * GiB).RamAdvice;

        Assert.Equal("31 GiB of RAM leaves room to offload layers that do not fit in VRAM to the CPU (slower, but larger models run).", advice);
    }

    [Fact]
    public void Without_a_gpu_the_ram_decides_how_large_a_model_runs_on_the_cpu()
    {
        Assert.Contains("7B–13B models at Q4 on the CPU", HardwareTierAdvisor.Advise(0, 16 * GiB).RamAdvice);
        Assert.Contains("up to 34B at Q4 on the CPU", HardwareTierAdvisor.Advise(0, 64 * GiB).RamAdvice);
    }

    [Fact]
    public void A_snapshot_is_advised_on_the_vram_of_all_its_gpus_together()
    {
        var snapshot = new HardwareSnapshot
        {
            HostName = "box",
            CapturedAt = DateTimeOffset.UnixEpoch,
            Cpu = new CpuInfo { LogicalProcessors = 16, ProcessorsAvailable = 16 },
            Memory = new MemoryInfo { TotalBytes = 64 * GiB },
            Software = new SoftwareInfo("Linux", ".NET 10", "Cuda12"),
            Gpus = [new GpuInfo { Index = 0, MemoryTotalBytes = 24564 * MiB }, new GpuInfo { Index = 1, MemoryTotalBytes = 24564 * MiB }],
        };

        Assert.Equal(HardwareTier.Models70B, snapshot.AdviseTier().Tier);
    }
}
