using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

/// <summary>The one way sizes are written on every page: binary units, labelled as such.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(24L << 30, "24 GiB")]
    [InlineData(4_920_000_000, "4.6 GiB")]
    [InlineData(300L << 20, "300 MiB")]
    [InlineData(270_336, "264 KiB")]
    [InlineData(512, "512 B")]
    [InlineData(-(3L << 20), "-3 MiB")]
    public void Sizes_are_written_in_the_largest_binary_unit_they_reach(long bytes, string written) =>
        Assert.Equal(written, ByteSize.Format(bytes));

    [Fact]
    public void A_chart_axis_gets_the_unit_the_figures_are_written_in() =>
        Assert.Equal(("MiB", ByteSize.MiB), ByteSize.UnitFor(50 * ByteSize.MiB));
}
