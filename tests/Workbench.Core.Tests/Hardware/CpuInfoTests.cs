using System.Runtime.InteropServices;
using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class CpuInfoTests
{
    [Fact]
    public void An_x64_cpu_without_avx2_gets_a_warning()
    {
        var cpu = new CpuInfo { Architecture = Architecture.X64, LogicalProcessors = 4, ProcessorsAvailable = 4, HasAvx = true };

        Assert.Contains("lacks AVX2", cpu.MissingAvx2Warning);
    }

    [Fact]
    public void An_x64_cpu_with_avx2_gets_none()
    {
        var cpu = new CpuInfo { Architecture = Architecture.X64, LogicalProcessors = 4, ProcessorsAvailable = 4, HasAvx = true, HasAvx2 = true };

        Assert.Null(cpu.MissingAvx2Warning);
    }

    [Fact]
    public void An_arm_cpu_is_not_warned_about_an_x86_instruction_set()
    {
        var cpu = new CpuInfo { Architecture = Architecture.Arm64, LogicalProcessors = 4, ProcessorsAvailable = 4 };

        Assert.Null(cpu.MissingAvx2Warning);
    }
}
