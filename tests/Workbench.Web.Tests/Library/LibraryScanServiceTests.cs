using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Core.Library;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Library;

/// <summary>The scan against real files and a real SQLite database in a temp folder.</summary>
public sealed class LibraryScanServiceTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-library-");
    private readonly string _models;
    private readonly WorkbenchOptions _options;

    public LibraryScanServiceTests()
    {
        _models = Directory.CreateDirectory(Path.Combine(_temp.FullName, "models")).FullName;
        _options = new WorkbenchOptions { DataDirectory = Path.Combine(_temp.FullName, "data"), DiscoverKnownStores = false, GenerateDemoModel = false };
        _options.ModelRoots.Add(_models);
        DemoModelGenerator.Write(Path.Combine(_models, "alpha.gguf"));
        Directory.CreateDirectory(Path.Combine(_models, "nested"));
        DemoModelGenerator.Write(Path.Combine(_models, "nested", "beta.gguf"), new DemoModelOptions { LayerCount = 3 });
        File.WriteAllText(Path.Combine(_models, "broken.gguf"), "not a model");
    }

    [Fact]
    public async Task A_scan_indexes_every_model_including_broken_ones_with_their_error()
    {
        var (scanner, index) = Create();

        await scanner.ScanAsync(CancellationToken.None);

        Assert.Equal(["alpha.gguf", "beta.gguf", "broken.gguf"], index.Models.Select(m => Path.GetFileName(m.PrimaryPath)).Order());
        Assert.NotNull(index.Models.Single(m => m.PrimaryPath.EndsWith("broken.gguf", StringComparison.Ordinal)).Error);
        Assert.Equal(3, index.Models.Single(m => m.PrimaryPath.EndsWith("beta.gguf", StringComparison.Ordinal)).Architecture.LayerCount);
        Assert.Equal(new { Seen = 3, Changed = 3, Scanning = false }, new { Seen = scanner.Status.FilesSeen, Changed = scanner.Status.FilesChanged, Scanning = scanner.Status.IsScanning });
    }

    [Fact]
    public async Task A_rescan_of_unchanged_files_parses_nothing()
    {
        var (scanner, _) = Create();
        await scanner.ScanAsync(CancellationToken.None);

        await scanner.ScanAsync(CancellationToken.None);

        Assert.Equal(3, scanner.Status.FilesSeen);
        Assert.Equal(0, scanner.Status.FilesChanged);
    }

    [Fact]
    public async Task The_index_survives_a_restart_without_parsing_again()
    {
        await Create().Scanner.ScanAsync(CancellationToken.None);

        var (restarted, index) = Create();
        await restarted.ScanAsync(CancellationToken.None);

        Assert.Equal(3, index.Models.Count);
        Assert.Equal(0, restarted.Status.FilesChanged);
    }

    [Fact]
    public async Task A_changed_file_is_parsed_again_and_a_deleted_one_leaves_the_index()
    {
        var (scanner, index) = Create();
        await scanner.ScanAsync(CancellationToken.None);
        DemoModelGenerator.Write(Path.Combine(_models, "alpha.gguf"), new DemoModelOptions { LayerCount = 4 });
        File.Delete(Path.Combine(_models, "broken.gguf"));

        await scanner.ScanAsync(CancellationToken.None);

        Assert.Equal(1, scanner.Status.FilesChanged);
        Assert.Equal(2, index.Models.Count);
        Assert.Equal(4, index.Models.Single(m => m.PrimaryPath.EndsWith("alpha.gguf", StringComparison.Ordinal)).Architecture.LayerCount);
    }

    [Fact]
    public async Task Descriptors_read_back_from_sqlite_equal_what_was_parsed()
    {
        var (scanner, index) = Create();
        await scanner.ScanAsync(CancellationToken.None);
        var parsed = ModelFileScanner.Describe(new ModelFileScanner().FindCandidates(new ModelStoreRoot(_models, ModelSource.ModelRoot))
            .Single(c => c.PrimaryPath.EndsWith("alpha.gguf", StringComparison.Ordinal)));

        var stored = index.Find(parsed.Id)!;

        Assert.Equal(parsed with { Files = [], Tensors = [] }, stored with { Files = [], Tensors = [] });
        Assert.Equal(parsed.Files, stored.Files);
        Assert.Equal(parsed.Tensors, stored.Tensors);
    }

    private (LibraryScanService Scanner, LibraryIndex Index) Create()
    {
        var options = Options.Create(_options);
        var database = new WorkbenchDatabase(options);
        var index = new LibraryIndex();
        var demo = new DemoModelProvisioner(options, new LocalModelFiles(options), NullLogger<DemoModelProvisioner>.Instance);
        var scanner = new LibraryScanService(options, new LibraryStore(database, TimeProvider.System), index, demo, TimeProvider.System, NullLogger<LibraryScanService>.Instance);
        return (scanner, index);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Delete(recursive: true);
    }
}
