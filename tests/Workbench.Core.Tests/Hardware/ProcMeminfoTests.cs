using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class ProcMeminfoTests
{
    private const long KiB = 1024;

    private const string Meminfo = """
        MemTotal:       65536000 kB
        MemFree:         1000000 kB
        MemAvailable:   40000000 kB
        Buffers:          200000 kB
        Cached:         30000000 kB
        SwapTotal:       8388604 kB
        SwapFree:        8000000 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB
        """;

    [Fact]
    public void Ram_and_swap_are_read_in_bytes()
    {
        var memory = ProcMeminfo.Parse(Meminfo);

        Assert.Equal(65536000 * KiB, memory.TotalBytes);
        Assert.Equal(40000000 * KiB, memory.AvailableBytes);
        Assert.Equal(8388604 * KiB, memory.SwapTotalBytes);
        Assert.Equal(8000000 * KiB, memory.SwapFreeBytes);
        Assert.Null(memory.ProcessResidentBytes);
    }

    [Fact]
    public void Without_mem_available_free_plus_cache_is_the_estimate()
    {
        var memory = ProcMeminfo.Parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 300 kB\n");

        Assert.Equal(410 * KiB, memory.AvailableBytes);
        Assert.Null(memory.SwapTotalBytes);
    }

    [Fact]
    public void Resident_size_comes_from_vm_rss()
    {
        const string Status = "Name:\tWorkbench.Worker\nVmPeak:\t 3000000 kB\nVmRSS:\t  250000 kB\nThreads:\t24\n";

        Assert.Equal(250000 * KiB, ProcMeminfo.ParseResidentBytes(Status));
    }

    [Fact]
    public void A_kernel_thread_has_no_resident_size()
    {
        Assert.Null(ProcMeminfo.ParseResidentBytes("Name:\tkthreadd\nThreads:\t1\n"));
    }

    [Fact]
    public void Garbage_lines_are_skipped()
    {
        var memory = ProcMeminfo.Parse("nonsense\nMemTotal: lots kB\n: 5 kB\nMemAvailable: 7 kB\n");

        Assert.Null(memory.TotalBytes);
        Assert.Equal(7 * KiB, memory.AvailableBytes);
    }
}
