using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Library;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Hardware;

/// <summary>The real worker asks the real hub for the dashboard's model folders and reports the disks under them.</summary>
public sealed class ModelRootDisksThroughRealWorkerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _modelRoot = Directory.CreateTempSubdirectory("workbench-root-disk-");
    private readonly RealWorkerServer _server;

    public ModelRootDisksThroughRealWorkerTests() =>
        _server = new RealWorkerServer("root-disks", ("Workbench:ModelRoots:0", _modelRoot.FullName));

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_hardware_report_lists_the_disk_of_a_configured_model_root()
    {
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();

        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Any(w => w.Hardware is not null), "the worker's hardware");

        var disks = registry.Workers.First(w => w.Hardware is not null).Hardware!.Disks;
        var disk = Assert.Single(disks, d => d.Path == _modelRoot.FullName);
        Assert.True(disk.TotalBytes > 0);
    }

    [Fact]
    public async Task A_model_folder_added_later_appears_in_the_hardware_report_without_a_restart()
    {
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Any(w => w.Hardware is not null), "the worker's hardware");
        var before = registry.Workers.First(w => w.Hardware is not null).Hardware!.CapturedAt;
        // A disk is listed once, under the first folder on it: on Linux /dev/shm is a mount of its own, so a folder
        // there shows under its own path; elsewhere the refreshed report is what can be seen.
        var onOwnMount = OperatingSystem.IsLinux() && Directory.Exists("/dev/shm");
        var added = Directory.CreateDirectory(onOwnMount ? Path.Combine("/dev/shm", _modelRoot.Name) : Path.Combine(_modelRoot.FullName, "added"));
        try
        {
            Assert.Null(await _server.Services.GetRequiredService<ModelRootCatalog>().AddAsync(added.FullName));

            await RealWorkerServer.WaitUntilAsync(
                () => registry.Workers.Any(w => w.Hardware is { } hardware && hardware.CapturedAt > before
                    && (!onOwnMount || hardware.Disks.Any(d => d.Path == added.FullName))),
                "a hardware report listing the added folder's disk");
        }
        finally
        {
            added.Delete(recursive: true);
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _modelRoot.Delete(recursive: true);
    }
}
