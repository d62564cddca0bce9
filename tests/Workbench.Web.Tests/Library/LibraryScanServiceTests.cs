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

    [Fact]
    public async Task A_folder_added_on_the_settings_page_is_scanned_and_its_models_leave_when_it_is_removed()
    {
        var (scanner, index, catalog) = CreateWithCatalog();
        var extra = Directory.CreateDirectory(Path.Combine(_temp.FullName, "extra")).FullName;
        DemoModelGenerator.Write(Path.Combine(extra, "gamma.gguf"));

        Assert.Null(await catalog.AddAsync(extra + Path.DirectorySeparatorChar));
        await scanner.ScanAsync(CancellationToken.None);
        Assert.Contains(index.Models, m => m.PrimaryPath == Path.Combine(extra, "gamma.gguf"));

        Assert.True(await catalog.RemoveAsync(extra));
        await scanner.ScanAsync(CancellationToken.None);
        Assert.DoesNotContain(index.Models, m => m.PrimaryPath.StartsWith(extra, StringComparison.Ordinal));
        Assert.Equal(3, index.Models.Count);
    }

    [Fact]
    public async Task Progress_counts_the_models_found_then_those_read()
    {
        var time = new SteppingTime(TimeSpan.FromMilliseconds(150));
        var (scanner, _, _) = CreateWithCatalog(time);
        var reports = new List<LibraryScanStatus>();
        scanner.Changed += () => reports.Add(scanner.Status);

        await scanner.ScanAsync(CancellationToken.None);

        var during = reports.Where(r => r.IsScanning && r.FilesSeen > 0).ToList();
        // Found first (nothing read yet), then read with the total known: the bar moves from 0 to 100 %.
        Assert.Contains(during, r => r.FilesParsed == 0);
        Assert.Equal([1, 2, 3], during.Where(r => r.FilesParsed > 0).Select(r => r.FilesParsed));
        Assert.All(during.Where(r => r.FilesParsed > 0), r => Assert.Equal(3, r.FilesSeen));
        Assert.Equal(100, reports[^1].Percent);
    }

    [Fact]
    public async Task A_named_pipe_called_gguf_neither_blocks_the_scan_nor_stops_it_when_written_to()
    {
        var trap = Path.Combine(_models, "trap.gguf");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [trap]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var (scanner, index) = Create();
        await scanner.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        // A writer on the pipe unblocks any reader that had opened it; the next scan still reads nothing from it.
        var writer = Task.Run(() => File.WriteAllBytes(trap, new byte[4096]));
        await scanner.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["alpha.gguf", "beta.gguf", "broken.gguf"], index.Models.Select(m => Path.GetFileName(m.PrimaryPath)).Order());
        Assert.Null(scanner.Status.Error);
        Assert.False(writer.IsCompleted, "the scan opened the pipe");
        await using (var reader = new FileStream(trap, FileMode.Open, FileAccess.Read))
        {
            await reader.CopyToAsync(Stream.Null); // lets the writer finish
        }

        await writer;
    }

    private (LibraryScanService Scanner, LibraryIndex Index) Create()
    {
        var (scanner, index, _) = CreateWithCatalog();
        return (scanner, index);
    }

    private (LibraryScanService Scanner, LibraryIndex Index, ModelRootCatalog Catalog) CreateWithCatalog(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var options = Options.Create(_options);
        var database = new WorkbenchDatabase(options);
        var index = new LibraryIndex();
        var demo = new DemoModelProvisioner(options, new LocalModelFiles(options), NullLogger<DemoModelProvisioner>.Instance);
        var catalog = new ModelRootCatalog(options, new ModelRootStore(database, time));
        var scanner = new LibraryScanService(catalog, new LibraryStore(database, time), index, demo, time, NullLogger<LibraryScanService>.Instance);
        return (scanner, index, catalog);
    }

    /// <summary>A clock that moves on by a fixed step each time it is read, so every progress report is due.</summary>
    private sealed class SteppingTime(TimeSpan step) : TimeProvider
    {
        private long _ticks = DateTimeOffset.UnixEpoch.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, step.Ticks), TimeSpan.Zero);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Delete(recursive: true);
    }
}
