using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class NvidiaSmiCsvTests
{
    private const long MiB = 1L << 20;

    [Fact]
    public void The_query_asks_for_the_columns_the_parser_reads()
    {
        Assert.Equal(
            "index,name,uuid,memory.total,memory.used,memory.free,utilization.gpu,utilization.memory,temperature.gpu,power.draw,power.limit,clocks.sm,clocks.mem,pcie.link.gen.current,pcie.link.width.current,driver_version",
            NvidiaSmiCsv.QueryFields);
    }

    [Fact]
    public void A_full_line_fills_every_column()
    {
        var gpu = Assert.Single(NvidiaSmiCsv.Parse(
            "0, NVIDIA GeForce RTX 4090, GPU-4090aaaa, 24564, 1024, 23000, 37, 12, 45, 123.45, 450.00, 2520, 10501, 4, 16, 550.54.14\n"));

        var expected = new GpuInfo
        {
            Index = 0,
            Name = "NVIDIA GeForce RTX 4090",
            Uuid = "GPU-4090aaaa",
            MemoryTotalBytes = 24564 * MiB,
            MemoryUsedBytes = 1024 * MiB,
            MemoryFreeBytes = 23000 * MiB,
            GpuUtilizationPercent = 37,
            MemoryUtilizationPercent = 12,
            TemperatureCelsius = 45,
            PowerDrawWatts = 123.45,
            PowerLimitWatts = 450.0,
            SmClockMhz = 2520,
            MemoryClockMhz = 10501,
            PcieLinkGeneration = 4,
            PcieLinkWidth = 16,
            DriverVersion = "550.54.14",
        };

        // Records compare lists by reference; the process list is empty either way.
        Assert.Equal(expected with { Processes = gpu.Processes }, gpu);
    }

    [Theory]
    [InlineData("[N/A]")]
    [InlineData("[Not Supported]")]
    [InlineData("N/A")]
    [InlineData("[Unknown Error]")]
    [InlineData("")]
    public void Values_nvidia_smi_cannot_give_are_null(string missing)
    {
        var gpu = Assert.Single(NvidiaSmiCsv.Parse($"0, Tesla T4, GPU-1, 15360, 0, 15360, {missing}, 0, 40, {missing}, 70.00, 300, 5000, 3, 16, 535.1\n"));

        Assert.Null(gpu.GpuUtilizationPercent);
        Assert.Null(gpu.PowerDrawWatts);
        Assert.Equal(70.0, gpu.PowerLimitWatts);
    }

    [Fact]
    public void Missing_trailing_columns_are_null()
    {
        var gpu = Assert.Single(NvidiaSmiCsv.Parse("1, Quadro P2000, GPU-2, 5120\n"));

        Assert.Equal(1, gpu.Index);
        Assert.Equal(5120 * MiB, gpu.MemoryTotalBytes);
        Assert.Null(gpu.MemoryUsedBytes);
        Assert.Null(gpu.DriverVersion);
    }

    [Fact]
    public void Lines_without_an_index_are_not_gpus()
    {
        const string Output = "No devices were found\r\n\r\n0, A, GPU-a, 100, 1, 99, 0, 0, 30, 10.5, 20, 1, 1, 1, 1, 1.0\r\n1, B, GPU-b, 200, 2, 198, 0, 0, 31, 11.5, 21, 1, 1, 1, 1, 1.0\r\n";

        var gpus = NvidiaSmiCsv.Parse(Output);

        Assert.Equal(["A", "B"], gpus.Select(g => g.Name));
        Assert.Equal("1.0", gpus[1].DriverVersion);
    }
}
