using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Library;

/// <summary>Roots added on the settings page, their checks, and the watcher, against real folders and SQLite.</summary>
public sealed class ModelRootsTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-roots-");
    private readonly WorkbenchOptions _options;
    private readonly string _configured;

    public ModelRootsTests()
    {
        _configured = Directory.CreateDirectory(Path.Combine(_temp.FullName, "configured")).FullName;
        _options = new WorkbenchOptions { DataDirectory = Path.Combine(_temp.FullName, "data"), DiscoverKnownStores = false, GenerateDemoModel = false };
        _options.ModelRoots.Add(_configured);
    }

    [Theory]
    [InlineData("", "Enter the full path")]
    [InlineData("models/llama", "is not a full path")]
    [InlineData("/no/such/folder/anywhere", "No folder exists")]
    public void A_path_that_cannot_be_a_root_is_refused_with_the_reason(string input, string reason)
    {
        var (path, error) = ModelRootPath.Canonicalize(input);

        Assert.Null(path);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_is_refused_and_the_message_points_at_its_folder()
    {
        var file = Path.Combine(_temp.FullName, "model.gguf");
        File.WriteAllText(file, "x");

        Assert.Contains("is a file", ModelRootPath.Canonicalize(file).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_is_stored_without_quotes_dots_trailing_separators_or_links()
    {
        var real = Directory.CreateDirectory(Path.Combine(_temp.FullName, "real")).FullName;
        var link = Path.Combine(_temp.FullName, "link");
        Directory.CreateSymbolicLink(link, real);

        Assert.Equal(real, ModelRootPath.Canonicalize($"\"{_temp.FullName}/configured/../real/\"").Path);
        Assert.Equal(real, ModelRootPath.Canonicalize(link).Path);
    }

    [Fact]
    public async Task Added_roots_persist_are_listed_once_and_only_they_can_be_removed()
    {
        var extra = Directory.CreateDirectory(Path.Combine(_temp.FullName, "extra")).FullName;
        var changes = 0;
        var catalog = Catalog();
        catalog.Changed += () => changes++;

        Assert.Null(await catalog.AddAsync(extra));
        Assert.Contains("already scanned (added)", await catalog.AddAsync(extra + "/"), StringComparison.Ordinal);
        Assert.Contains("already scanned (configured)", await catalog.AddAsync(_configured), StringComparison.Ordinal);
        Assert.False(await catalog.RemoveAsync(_configured));

        var reopened = await Catalog().ListAsync();
        Assert.Equal(
            [(_configured, ModelRootOrigin.Configured), (extra, ModelRootOrigin.Added), (_options.GeneratedModelsDirectory, ModelRootOrigin.Generated)],
            reopened.Select(e => (e.Root.Path, e.Origin)));
        Assert.False(reopened[2].Exists);
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task A_model_copied_into_a_root_is_indexed_without_a_rescan_request()
    {
        var options = Options.Create(_options);
        var database = new WorkbenchDatabase(options);
        var catalog = new ModelRootCatalog(options, new ModelRootStore(database, TimeProvider.System));
        var index = new LibraryIndex();
        var demo = new DemoModelProvisioner(options, new LocalModelFiles(options), NullLogger<DemoModelProvisioner>.Instance);
        using var scanner = new LibraryScanService(catalog, new LibraryStore(database, TimeProvider.System), index, demo, TimeProvider.System, NullLogger<LibraryScanService>.Instance);
        using var watcher = new ModelRootWatcher(catalog, scanner, TimeProvider.System, NullLogger<ModelRootWatcher>.Instance);
        await scanner.StartAsync(CancellationToken.None);
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => scanner.Status.FinishedAt is not null, "the first scan");
            Assert.Empty(index.Models);

            // Written elsewhere and moved in, as a download manager does when it finishes.
            var download = Path.Combine(_temp.FullName, "download.tmp");
            DemoModelGenerator.Write(download);
            File.Move(download, Path.Combine(_configured, "arrived.gguf"));

            await WaitUntilAsync(() => index.Models.Any(m => m.PrimaryPath.EndsWith("arrived.gguf", StringComparison.Ordinal)), "the new model to be indexed");
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
            await scanner.StopAsync(CancellationToken.None);
        }
    }

    private ModelRootCatalog Catalog()
    {
        var options = Options.Create(_options);
        return new ModelRootCatalog(options, new ModelRootStore(new WorkbenchDatabase(options), TimeProvider.System));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Delete(recursive: true);
    }
}
