using Workbench.Core.Estimation;
using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Web.Overview;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Overview;

public sealed class OverviewWarningsTests
{
    private static readonly OverviewFacts Calm = new([Worker("box")], "box", Disk("/data", "/", free: 200 * ByteSize.GiB), null, 0, [], []);

    [Fact]
    public void A_healthy_machine_has_no_warnings() => Assert.Empty(OverviewWarnings.For(Calm));

    [Theory]
    [InlineData(5, 100, true)] // 5 of 100 GiB: under 10 %
    [InlineData(15, 100, false)]
    [InlineData(9, 4000, true)] // a large disk: under the 10 GiB ceiling
    [InlineData(50, 4000, false)] // 50 GiB free is not "almost full", even at 1 %
    public void A_disk_is_almost_full_under_a_tenth_free_but_never_with_10_gib_or_more(long freeGib, long totalGib, bool almostFull) =>
        Assert.Equal(almostFull, OverviewWarnings.IsAlmostFull(freeGib * ByteSize.GiB, totalGib * ByteSize.GiB));

    [Fact]
    public void An_almost_full_model_folder_disk_is_named_with_what_is_free()
    {
        var facts = Calm with { Workers = [Worker("box", disks: [Disk("/models", "/mnt/models", free: 3 * ByteSize.GiB)])] };

        var warning = Assert.Single(OverviewWarnings.For(facts));

        Assert.Equal("box: the disk of /models is almost full: 3 GiB free of 100 GiB. Models and the worker's files need room; remove models you no longer use.", warning);
    }

    [Fact]
    public void The_data_folders_disk_is_warned_about_once_even_when_the_local_worker_reports_it_too()
    {
        var full = Disk("/data", "/", free: ByteSize.GiB);
        var facts = Calm with { DataFolder = full, Workers = [Worker("box", disks: [Disk("/models", "/", free: ByteSize.GiB)])] };

        var warning = Assert.Single(OverviewWarnings.For(facts));

        Assert.StartsWith("The disk of the data folder (/data) is almost full: 1 GiB free of 100 GiB.", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_driver_too_old_for_the_cuda_backend_is_said_with_the_fix()
    {
        var gpu = new GpuInfo { Index = 0, Name = "RTX", DriverVersion = "470.82", CudaDriverVersion = "11.4" };
        var facts = Calm with { Workers = [Worker("box", backend: "Cuda12", gpus: [gpu])] };

        var warning = Assert.Single(OverviewWarnings.For(facts));

        Assert.StartsWith("box: The NVIDIA driver 470.82 supports CUDA up to 11.4", warning, StringComparison.Ordinal);
        Assert.Contains("Update the driver to 525 or newer", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Restarts_of_the_local_worker_are_counted_with_the_last_reason()
    {
        var facts = Calm with { LocalWorker = new WorkerProcessStatus(WorkerProcessState.Running, 42, 2, "The worker aborted (exit code 134, SIGABRT).") };

        var warning = Assert.Single(OverviewWarnings.For(facts));

        Assert.StartsWith("The local worker has been restarted 2 times since the dashboard started; the last time: The worker aborted (exit code 134, SIGABRT).", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void No_worker_comes_first_and_library_problems_follow()
    {
        var facts = Calm with { Workers = [], UnreadableFiles = 1, Crashes = [("fragile", 1, "killed")], LoadFailures = [("bad", "key not found.")] };

        var warnings = OverviewWarnings.For(facts);

        Assert.StartsWith("No worker is connected", warnings[0], StringComparison.Ordinal);
        Assert.Equal("1 file in the library could not be read; the Models page says why.", warnings[1]);
        Assert.Equal("fragile crashed llama.cpp once: killed", warnings[2]);
        Assert.StartsWith("bad did not load: key not found.", warnings[3], StringComparison.Ordinal);
    }

    private static DiskInfo Disk(string path, string mount, long free) =>
        new() { Path = path, MountPoint = mount, FreeBytes = free, TotalBytes = 100 * ByteSize.GiB };

    private static ConnectedWorker Worker(string host, string backend = "Cpu", IReadOnlyList<GpuInfo>? gpus = null, IReadOnlyList<DiskInfo>? disks = null) =>
        new($"c-{host}", new WorkerRegistration("w", host, 7, backend, "1.0", null), DateTimeOffset.UnixEpoch, [], Hardware: new HardwareSnapshot
        {
            HostName = host,
            CapturedAt = DateTimeOffset.UnixEpoch,
            Cpu = new CpuInfo { LogicalProcessors = 8, ProcessorsAvailable = 8 },
            Memory = new MemoryInfo { TotalBytes = 32L << 30, AvailableBytes = 24L << 30 },
            Software = new SoftwareInfo("Linux", ".NET 10", backend),
            Gpus = gpus ?? [],
            Disks = disks ?? [],
        });
}
