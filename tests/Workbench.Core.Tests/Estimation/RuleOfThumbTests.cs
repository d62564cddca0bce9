using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

/// <summary>The rule against the tiers people quote: 8 GB runs 7B at Q4/Q5, 16 GB 13B, 24 GB 34B at Q4; 70B needs very low bits.</summary>
public sealed class RuleOfThumbTests
{
    [Fact]
    public void Rule_is_parameters_times_bits_over_eight_plus_twenty_percent()
    {
        Assert.Equal(4.8, RuleOfThumb.Gigabytes(8, 4), 9);
    }

    [Theory]
    [InlineData(4.5)]
    [InlineData(5.5)]
    public void Seven_billion_at_q4_or_q5_fits_8_gb(double bits)
    {
        Assert.True(RuleOfThumb.Gigabytes(7, bits) <= 8);
    }

    [Fact]
    public void Seven_billion_at_q8_does_not_fit_8_gb()
    {
        Assert.True(RuleOfThumb.Gigabytes(7, 8.5) > 8);
    }

    [Fact]
    public void Thirteen_billion_fits_16_gb_up_to_q6_but_not_at_q8()
    {
        Assert.True(RuleOfThumb.Gigabytes(13, 6.56) <= 16);
        Assert.True(RuleOfThumb.Gigabytes(13, 8.5) > 16);
    }

    [Fact]
    public void Thirty_four_billion_at_q4_is_a_17_gb_file_that_fits_24_gb()
    {
        Assert.Equal(17, 34 * 4 / 8.0, 9);
        Assert.True(RuleOfThumb.Gigabytes(34, 4) <= 24);
    }

    [Fact]
    public void Seventy_billion_fits_24_gb_only_below_about_two_and_a_third_bits()
    {
        Assert.True(RuleOfThumb.Gigabytes(70, 2.2) <= 24);
        Assert.True(RuleOfThumb.Gigabytes(70, 2.5) > 24);
        Assert.True(RuleOfThumb.Gigabytes(70, 4.5) > 24);
        Assert.InRange(RuleOfThumb.LargestParameterBillions(24, 2.2), 70, 75);
    }

    [Fact]
    public void The_rule_and_the_estimator_agree_within_fifteen_percent_at_a_modest_context()
    {
        var q4 = QuantizationCatalog.Gguf(KnownShapes.Llama3_8BModel, "Q4_K_M");
        var estimate = MemoryEstimator.Estimate(q4.Model, new RunSettings { ContextLength = 8192 }, [GpuBudget.WithGibibytes("24 GiB", 24)]);
        var estimatedGb = (estimate.TotalGpuBytes + estimate.TotalRamBytes) / 1e9;

        var rule = RuleOfThumb.Gigabytes(q4.Model.ParameterCount / 1e9, q4.BitsPerWeight);

        Assert.InRange(rule / estimatedGb, 0.85, 1.15);
    }
}
