using Workbench.Core.Hardware;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

/// <summary>The hardware report lists the disks of the dashboard's model roots, read from this machine's real mounts.</summary>
public sealed class ModelRootDisksTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("workbench-model-root-");

    [Fact]
    public void Existing_model_roots_come_first_and_missing_ones_are_left_out()
    {
        var missing = Path.Combine(_root.FullName, "not-here");

        var paths = ReportedDiskPaths.For([missing, _root.FullName]);

        Assert.Equal([_root.FullName, AppContext.BaseDirectory, Path.GetTempPath()], paths);
    }

    [FactOnLinux]
    public void A_model_root_on_its_own_mount_is_reported_as_its_own_disk()
    {
        // /dev/shm is a tmpfs mount of its own on Linux, unlike the build folder and the temp folder.
        var shm = Directory.CreateTempSubdirectory("workbench-root-");
        var onShm = Directory.CreateDirectory(Path.Combine("/dev/shm", shm.Name));
        shm.Delete();
        try
        {
            var reader = new HardwareSnapshotReader(new NoGpuProbe("not probed in this test"), new SystemCpuProbe(), new SystemMemoryProbe(), new MemoryCopyBandwidthProbe(), new SystemDiskProbe(), TimeProvider.System);

            var snapshot = reader.Read(ReportedDiskPaths.For([onShm.FullName]), "Cpu");

            var disk = Assert.Single(snapshot.Disks, d => d.Path == onShm.FullName);
            Assert.Equal("/dev/shm", disk.MountPoint);
            Assert.Equal("tmpfs", disk.FileSystem);
            Assert.True(disk.TotalBytes > 0);
            Assert.Contains(snapshot.Disks, d => d.MountPoint != "/dev/shm");
        }
        finally
        {
            onShm.Delete();
        }
    }

    public void Dispose() => _root.Delete(recursive: true);
}
