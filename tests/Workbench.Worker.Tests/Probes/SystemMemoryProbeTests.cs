using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

public sealed class SystemMemoryProbeTests : IDisposable
{
    private const long GiB = 1L << 30;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("workbench-fake-mem-");

    [Fact]
    public void The_real_machine_has_more_than_a_gigabyte_and_the_worker_is_resident()
    {
        var memory = new SystemMemoryProbe().ReadMemory();

        Assert.True(memory.TotalBytes > GiB, $"total {memory.TotalBytes}");
        Assert.True(memory.ProcessResidentBytes > 1 << 20, $"rss {memory.ProcessResidentBytes}");
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(memory.AvailableBytes ?? -1, 1, memory.TotalBytes!.Value);
            Assert.NotNull(memory.SwapTotalBytes);
        }
    }

    [Fact]
    public void Reads_ram_swap_and_rss_from_proc()
    {
        WriteMeminfo(32);
        Write("proc/self/status", "Name:\tdotnet\nVmRSS:\t  204800 kB\n");

        var memory = Probe().ReadMemory();

        Assert.Equal(32 * GiB, memory.TotalBytes);
        Assert.Equal(20 * GiB, memory.AvailableBytes);
        Assert.Equal(8 * GiB, memory.SwapTotalBytes);
        Assert.Equal(2 * GiB, memory.SwapFreeBytes);
        Assert.Equal(200L << 20, memory.ProcessResidentBytes);
        Assert.Null(memory.ContainerLimitBytes);
    }

    [Fact]
    public void A_cgroup_v2_limit_of_the_workers_own_group_below_ram_is_reported()
    {
        WriteMeminfo(32);
        Write("proc/self/cgroup", "0::/system.slice/docker-abc.scope\n");
        Write("cgroup/system.slice/docker-abc.scope/memory.max", $"{8 * GiB}\n");

        Assert.Equal(8 * GiB, Probe().ReadMemory().ContainerLimitBytes);
    }

    [Fact]
    public void An_unlimited_cgroup_reports_no_limit()
    {
        WriteMeminfo(32);
        Write("proc/self/cgroup", "0::/\n");
        Write("cgroup/memory.max", "max\n");

        Assert.Null(Probe().ReadMemory().ContainerLimitBytes);
    }

    [Fact]
    public void A_cgroup_v1_limit_above_ram_is_no_limit()
    {
        WriteMeminfo(32);
        Write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

        Assert.Null(Probe().ReadMemory().ContainerLimitBytes);
    }

    [Fact]
    public void Without_proc_the_total_comes_from_the_runtime()
    {
        var memory = Probe().ReadMemory();

        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, memory.TotalBytes);
        Assert.Null(memory.AvailableBytes);
        Assert.True(memory.ProcessResidentBytes > 0);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private SystemMemoryProbe Probe() =>
        new(Path.Combine(_root.FullName, "proc"), Path.Combine(_root.FullName, "cgroup"));

    private void WriteMeminfo(int totalGiB) => Write("proc/meminfo", $"""
        MemTotal:       {totalGiB * 1024 * 1024} kB
        MemFree:         1048576 kB
        MemAvailable:   20971520 kB
        SwapTotal:       8388608 kB
        SwapFree:        2097152 kB
        """);

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
