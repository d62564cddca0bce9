using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Worker.Hosting;
using Workbench.Worker.Library;

namespace Workbench.Worker.Tests.Library;

public sealed class WorkerModelInventoryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("workbench-inventory-");

    [Fact]
    public void Gguf_models_in_the_workers_own_folders_come_with_their_shape_and_a_missing_folder_is_skipped()
    {
        DemoModelGenerator.Write(Path.Combine(_root.FullName, "tiny.gguf"));
        File.WriteAllText(Path.Combine(_root.FullName, "broken.gguf"), "not a model");
        var options = new WorkerOptions { HubUrl = "http://127.0.0.1/hubs/worker" };
        options.ModelRoots.Add(Path.Combine(_root.FullName, "missing"));
        options.ModelRoots.Add(_root.FullName);
        var inventory = new WorkerModelInventory(Options.Create(options), NullLogger<WorkerModelInventory>.Instance);

        var files = inventory.Read(CancellationToken.None);

        Assert.True(inventory.HasRoots);
        Assert.Equal(2, files.Count);
        var tiny = Assert.Single(files, f => f.Model.Error is null);
        Assert.Equal(Path.Combine(_root.FullName, "tiny.gguf"), tiny.Model.PrimaryPath);
        Assert.Equal(DemoModelOptions.Tiny.LayerCount, tiny.Estimation!.LayerCount);
        Assert.Null(Assert.Single(files, f => f.Model.Error is not null).Estimation);
    }

    [Fact]
    public void A_worker_without_folders_of_its_own_reports_none()
    {
        var inventory = new WorkerModelInventory(Options.Create(new WorkerOptions { HubUrl = "http://127.0.0.1/hubs/worker" }), NullLogger<WorkerModelInventory>.Instance);

        Assert.False(inventory.HasRoots);
        Assert.Empty(inventory.Read(CancellationToken.None));
    }

    public void Dispose() => _root.Delete(recursive: true);
}
