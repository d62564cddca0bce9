using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class GpuInfoTests
{
    [Theory]
    [InlineData(10501, 384, 1_008_096_000_000)] // RTX 4090: 1008 GB/s
    [InlineData(7501, 192, 360_048_000_000)] // RTX 3060 12 GB: 360 GB/s
    [InlineData(1215, 5120, 1_555_200_000_000)] // A100 40 GB (HBM2): 1555 GB/s
    public void Peak_bandwidth_matches_the_datasheet(int maxMemoryClockMhz, int busWidthBits, long expected)
    {
        var gpu = new GpuInfo { Index = 0, MaxMemoryClockMhz = maxMemoryClockMhz, MemoryBusWidthBits = busWidthBits };

        Assert.Equal(expected, gpu.PeakMemoryBandwidthBytesPerSecond);
    }

    [Fact]
    public void Peak_bandwidth_is_unknown_without_the_bus_width()
    {
        Assert.Null(new GpuInfo { Index = 0, MaxMemoryClockMhz = 10501 }.PeakMemoryBandwidthBytesPerSecond);
    }

    [Fact]
    public void A_gpu_without_a_name_is_shown_by_its_index()
    {
        Assert.Equal("GPU 1", new GpuInfo { Index = 1 }.DisplayName);
        Assert.Equal("RTX", new GpuInfo { Index = 1, Name = "RTX" }.DisplayName);
    }
}
