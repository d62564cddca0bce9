using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class ProcCpuInfoTests
{
    [Fact]
    public void Physical_cores_are_distinct_socket_and_core_pairs()
    {
        // Two sockets, two cores each, two threads per core.
        var text = string.Concat(Enumerable.Range(0, 8).Select(i => Processor(i, package: i / 4, core: i % 4 / 2, flags: "fpu sse avx avx2 fma f16c")));

        var info = ProcCpuInfo.Parse(text);

        Assert.Equal(8, info.LogicalProcessors);
        Assert.Equal(4, info.PhysicalCores);
    }

    [Fact]
    public void The_model_name_and_flags_come_from_the_first_processor()
    {
        var info = ProcCpuInfo.Parse(Processor(0, 0, 0, "fpu sse2 AVX avx2 avx512f fma f16c") + Processor(1, 0, 1, "fpu"));

        Assert.Equal("AMD Ryzen 9 7950X 16-Core Processor", info.ModelName);
        Assert.Equal(["avx", "avx2", "avx512f", "f16c", "fma", "fpu", "sse2"], info.Flags.Order());
    }

    [Fact]
    public void An_arm_board_gives_its_model_and_features_but_no_core_ids()
    {
        const string RaspberryPi = """
            processor	: 0
            BogoMIPS	: 108.00
            Features	: fp asimd evtstrm crc32 cpuid
            CPU implementer	: 0x41
            CPU part	: 0xd08

            processor	: 1
            BogoMIPS	: 108.00
            Features	: fp asimd evtstrm crc32 cpuid

            Hardware	: BCM2835
            Revision	: c03114
            Model		: Raspberry Pi 4 Model B Rev 1.4
            """;

        var info = ProcCpuInfo.Parse(RaspberryPi);

        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", info.ModelName);
        Assert.Equal(2, info.LogicalProcessors);
        Assert.Null(info.PhysicalCores);
        Assert.Contains("asimd", info.Flags);
    }

    [Fact]
    public void Windows_line_endings_and_missing_fields_are_tolerated()
    {
        var info = ProcCpuInfo.Parse("processor\t: 0\r\nflags\t: avx\r\n\r\n");

        Assert.Null(info.ModelName);
        Assert.Equal(1, info.LogicalProcessors);
        Assert.Equal(["avx"], info.Flags);
    }

    [Fact]
    public void Empty_text_gives_nothing()
    {
        var info = ProcCpuInfo.Parse(string.Empty);

        Assert.Equal(0, info.LogicalProcessors);
        Assert.Null(info.PhysicalCores);
        Assert.Empty(info.Flags);
    }

    [Fact]
    public void This_machines_cpuinfo_parses_to_sane_values()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return;
        }

        var info = ProcCpuInfo.Parse(File.ReadAllText("/proc/cpuinfo"));

        Assert.True(info.LogicalProcessors >= 1);
        Assert.True(info.PhysicalCores is null || (info.PhysicalCores >= 1 && info.PhysicalCores <= info.LogicalProcessors));
    }

    private static string Processor(int id, int package, int core, string flags) => $"""
        processor	: {id}
        vendor_id	: AuthenticAMD
        model		: 97
        model name	: AMD Ryzen 9 7950X 16-Core Processor
        physical id	: {package}
        siblings	: 4
        core id		: {core}
        cpu cores	: 2
        flags		: {flags}


        """;
}
