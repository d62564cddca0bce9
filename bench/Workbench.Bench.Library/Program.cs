// Builds a tree of 500 GGUF models (copies of a generated one, in 25 folders), then times a cold scan
// (every file parsed into an empty SQLite index) against a warm rescan (nothing changed, nothing parsed).
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Library;

internal static class LibraryBenchmark
{
    private static async Task Main()
    {
        const int Models = 500;
        var temp = Directory.CreateTempSubdirectory("workbench-bench-library-");
        try
        {
            var root = Directory.CreateDirectory(Path.Combine(temp.FullName, "models")).FullName;
            var template = Path.Combine(temp.FullName, "template.gguf");
            DemoModelGenerator.Write(template);
            for (var i = 0; i < Models; i++)
            {
                var folder = Directory.CreateDirectory(Path.Combine(root, $"family-{i % 25:D2}")).FullName;
                File.Copy(template, Path.Combine(folder, $"model-{i:D3}.gguf"));
            }

            var options = new WorkbenchOptions { DataDirectory = Path.Combine(temp.FullName, "data"), DiscoverKnownStores = false, GenerateDemoModel = false };
            options.ModelRoots.Add(root);
            var wrapped = Options.Create(options);
            var database = new WorkbenchDatabase(wrapped);
            var scanner = new LibraryScanService(
                new ModelRootCatalog(wrapped, new ModelRootStore(database, TimeProvider.System)),
                new LibraryStore(database, TimeProvider.System),
                new LibraryIndex(),
                new DemoModelProvisioner(wrapped, new LocalModelFiles(wrapped), NullLogger<DemoModelProvisioner>.Instance),
                TimeProvider.System,
                NullLogger<LibraryScanService>.Instance);

            var clock = Stopwatch.StartNew();
            await scanner.ScanAsync(CancellationToken.None);
            var cold = clock.Elapsed.TotalMilliseconds;
            var coldParsed = scanner.Status.FilesChanged;

            var warmTimes = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                clock.Restart();
                await scanner.ScanAsync(CancellationToken.None);
                warmTimes.Add(clock.Elapsed.TotalMilliseconds);
            }

            var warm = warmTimes.Order().ElementAt(warmTimes.Count / 2);
            Console.WriteLine($"tree: {Models} GGUF models in 25 folders");
            Console.WriteLine($"cold scan: {cold,8:F0} ms, {coldParsed} parsed (goal < 2000 ms)");
            Console.WriteLine($"warm scan: {warm,8:F0} ms, {scanner.Status.FilesChanged} parsed (median of 5; goal < 500 ms)");
            Console.WriteLine($"ratio warm / cold: {warm / cold:F3}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            temp.Delete(recursive: true);
        }
    }
}
