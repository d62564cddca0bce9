using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>The ranges worker readings are held to (JSON cannot carry NaN or ∞, other hub protocols can).</summary>
public sealed class WorkerReportValuesTests
{
    [Theory]
    [InlineData(double.NaN, null)]
    [InlineData(double.PositiveInfinity, null)]
    [InlineData(-400.0, 0.0)]
    [InlineData(250.0, 100.0)]
    [InlineData(42.5, 42.5)]
    public void Percentages_are_finite_and_between_0_and_100(double reported, double? kept) =>
        Assert.Equal(kept, WorkerReportNumbers.Percent(reported));

    [Theory]
    [InlineData(1e308, null)]
    [InlineData(double.NaN, null)]
    [InlineData(-3.0, null)]
    [InlineData(350.0, 350.0)]
    public void Watts_outside_any_board_are_dropped(double reported, double? kept) =>
        Assert.Equal(kept, WorkerReportNumbers.Watts(reported));

    [Fact]
    public void Bytes_below_zero_or_beyond_a_petabyte_are_dropped()
    {
        Assert.Null(WorkerReportNumbers.Bytes(-1));
        Assert.Null(WorkerReportNumbers.Bytes(long.MaxValue));
        Assert.Equal(24L << 30, WorkerReportNumbers.Bytes(24L << 30));
    }

    [Theory]
    [InlineData("box\u202Egnp.exe", "boxgnp.exe")]
    [InlineData("\u2067rtl\u2069 host\r\n", "rtl host")]
    [InlineData("", "unnamed worker")]
    [InlineData("\u200F", "unnamed worker")]
    [InlineData("東京-gpu", "東京-gpu")]
    public void Host_names_lose_control_and_direction_characters(string reported, string kept) =>
        Assert.Equal(kept, WorkerReportText.HostName(reported));

    [Fact]
    public void Long_text_is_cut_without_splitting_a_character()
    {
        var text = new string('a', 63) + "😀";

        Assert.Equal(new string('a', 63), WorkerReportText.HostName(text));
    }
}
