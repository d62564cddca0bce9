using System.Runtime.InteropServices;
using Workbench.Core.Hardware;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

public sealed class SystemCpuProbeTests : IDisposable
{
    private readonly DirectoryInfo _proc = Directory.CreateTempSubdirectory("workbench-fake-proc-");

    [Fact]
    public void The_real_cpu_has_at_least_one_core_and_a_name()
    {
        var cpu = new SystemCpuProbe().ReadCpu();

        Assert.True(cpu.LogicalProcessors >= 1);
        Assert.True(cpu.ProcessorsAvailable >= 1);
        Assert.True(cpu.PhysicalCores is null or >= 1);
        Assert.True(cpu.PhysicalCores is null || cpu.PhysicalCores <= cpu.LogicalProcessors);
        Assert.False(string.IsNullOrWhiteSpace(cpu.ModelName));
        Assert.Equal(RuntimeInformation.ProcessArchitecture, cpu.Architecture);
    }

    [Fact]
    public void The_real_cpus_avx2_flag_agrees_with_dotnet()
    {
        var cpu = new SystemCpuProbe().ReadCpu();

        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, cpu.HasAvx2);
        Assert.Equal(cpu.IsX86 && !cpu.HasAvx2, cpu.MissingAvx2Warning is not null);
    }

    [Fact]
    public void The_real_cpu_load_is_a_percentage_from_the_second_sample_on()
    {
        var probe = new SystemCpuProbe();

        var first = probe.SampleUtilizationPercent();
        Thread.Sleep(50);
        var second = probe.SampleUtilizationPercent();

        Assert.Null(first);
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(second ?? -1, 0, 100);
        }
    }

    [Fact]
    public void Name_cores_and_flags_come_from_cpuinfo_on_linux()
    {
        WriteProc("cpuinfo", """
            processor	: 0
            model name	: Intel(R) Core(TM) i7-3770 CPU @ 3.40GHz
            physical id	: 0
            core id		: 0
            flags		: fpu sse sse2 avx

            processor	: 1
            model name	: Intel(R) Core(TM) i7-3770 CPU @ 3.40GHz
            physical id	: 0
            core id		: 0
            flags		: fpu sse sse2 avx

            """);

        var cpu = new SystemCpuProbe(_proc.FullName).ReadCpu();

        Assert.Equal("Intel(R) Core(TM) i7-3770 CPU @ 3.40GHz", cpu.ModelName);
        Assert.Equal(2, cpu.LogicalProcessors);
        Assert.Equal(1, cpu.PhysicalCores);
        if (cpu.IsX86)
        {
            Assert.True(cpu.HasAvx);
            Assert.False(cpu.HasAvx2);
            Assert.NotNull(cpu.MissingAvx2Warning);
        }
    }

    [Fact]
    public void Load_is_busy_ticks_over_all_ticks_between_two_samples()
    {
        var probe = new SystemCpuProbe(_proc.FullName);
        WriteProc("stat", "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n");
        probe.SampleUtilizationPercent();

        // 300 more busy ticks and 100 more idle ones.
        WriteProc("stat", "cpu  300 0 200 800 100 0 0 0 0 0\n");
        var load = probe.SampleUtilizationPercent();

        Assert.Equal(75.0, load);
    }

    [Fact]
    public void Without_proc_files_the_cpu_is_described_from_dotnet()
    {
        var cpu = new SystemCpuProbe(Path.Combine(_proc.FullName, "absent")).ReadCpu();

        Assert.Equal(Environment.ProcessorCount, cpu.LogicalProcessors);
        Assert.Null(cpu.PhysicalCores);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, cpu.HasAvx2);
        Assert.Equal(System.Runtime.Intrinsics.X86.Fma.IsSupported, cpu.HasFma);
        Assert.Null(new SystemCpuProbe(Path.Combine(_proc.FullName, "absent")).SampleUtilizationPercent());
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            Assert.False(string.IsNullOrWhiteSpace(cpu.ModelName)); // CPUID brand string
        }
    }

    public void Dispose() => _proc.Delete(recursive: true);

    private void WriteProc(string name, string text) => File.WriteAllText(Path.Combine(_proc.FullName, name), text);
}
