using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Core.Gguf;
using Workbench.Core.Hub;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;
using Workbench.Web.Library;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>
/// A repository's files as Compare rows, read through the local hub from the same folder the library scans: a hub
/// row's cells must be the cells the Compare table gives the same file once it is in the library.
/// </summary>
public sealed class HubCompareTableTests : IAsyncLifetime
{
    private const string Repo = "acme/Medium-GGUF";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-hubcompare-");
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;

    private string Models => Path.Combine(_data.FullName, "models-root");

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        var folder = Path.Combine(Models, "acme", "Medium-GGUF");
        HubModelFixtures.WriteModel(Path.Combine(folder, "medium-F16.gguf"));
        HubModelFixtures.WriteModel(Path.Combine(folder, "medium-F32.gguf"), GgmlType.F32);
        await File.WriteAllBytesAsync(Path.Combine(folder, "broken-Q4_K_M.gguf"), new byte[4096]);
        _hub.AddRepo(Repo, folder);
        _factory = HubDashboard.Start(_hub, _data.FullName, Models);
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private Task<HubRepository> ReadAsync() =>
        _factory.Services.GetRequiredService<HubRepositoryReader>().ReadAsync(Owner, HubRepoId.Parse(Repo), null, CancellationToken.None);

    private static readonly System.Security.Claims.ClaimsPrincipal Owner = new(new System.Security.Claims.ClaimsIdentity(
        [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, Workbench.Web.Security.AccessRoles.Owner)], "test"));

    /// <summary>The row the library's Compare table marks as the file itself ("yours"), built as the page builds it.</summary>
    private FitRow LibraryRow(string fileName, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus, long ram)
    {
        var library = _factory.Services.GetRequiredService<LibraryIndex>();
        var descriptor = library.Models.Single(m => m.PrimaryPath.EndsWith(fileName, StringComparison.Ordinal));
        var subject = CompareSubject.Resolve(descriptor.Id, library, _factory.Services.GetRequiredService<EstimationModelSource>(), null);
        var model = Assert.IsType<EstimationModel>(subject.Model);
        var rows = FitTable.Build(model, CompareOptions.For(model, descriptor), settings, runtime, gpus, FitTable.ContextColumns(model.TrainingContextLength), ram);
        return rows.Single(r => r.Option.Label == descriptor.QuantLabel && r.Runtime == InferenceRuntime.LlamaCpp);
    }

    private static IEnumerable<object> Facts(FitRow row) => row.Cells.Select(c => (object)(
        c.ContextLength, c.Estimate.Verdict.Kind, c.Estimate.GpuLayers, c.Estimate.TotalGpuBytes, c.Estimate.TotalRamBytes, c.Summary));

    [Theory]
    [InlineData("medium-F16.gguf")]
    [InlineData("medium-F32.gguf")]
    public async Task A_hub_rows_cells_equal_the_library_tables_cells_for_the_same_file(string fileName)
    {
        var repository = await ReadAsync();
        // Not the defaults: a quantized cache, and two GPUs: one that holds everything and one 1 MiB short at 4k.
        var settings = RunSettings.Default with { KeyCacheType = KvCacheType.Q8_0, ValueCacheType = KvCacheType.Q8_0, FlashAttention = true };
        var runtime = RuntimeSettings.Default;
        const long ram = 8L << 30;
        var contexts = HubCompareTable.Contexts(repository);
        FitRow HubRow(GpuBudget gpu) => HubCompareTable.Build(repository, settings, runtime, [gpu], contexts, ram, everyRuntime: false)
            .Single(r => r.Row.Set.Name == fileName).Fits.Single();
        var big = GpuBudget.WithGibibytes("big", 24);
        var shortBy1MiB = new GpuBudget("short", HubRow(big).Cells[^1].Estimate.TotalGpuBytes - (1 << 20));

        foreach (var gpu in new[] { big, shortBy1MiB })
        {
            var hub = HubRow(gpu);
            var library = LibraryRow(fileName, settings, runtime, [gpu], ram);

            Assert.Equal([2048, 4096], hub.Cells.Select(c => c.ContextLength));
            Assert.Equal(Facts(library), Facts(hub));
            Assert.Equal(library.Option.Label, hub.Option.Label);
        }

        Assert.Equal(FitKind.FitsFully, HubRow(big).Cells[^1].Estimate.Verdict.Kind);
        Assert.NotEqual(FitKind.FitsFully, HubRow(shortBy1MiB).Cells[^1].Estimate.Verdict.Kind);
    }

    [Fact]
    public async Task Every_runtime_gives_the_file_a_row_per_runtime_that_loads_it()
    {
        var repository = await ReadAsync();
        var contexts = HubCompareTable.Contexts(repository);

        var rows = HubCompareTable.Build(repository, RunSettings.Default, RuntimeSettings.Default, [GpuBudget.WithGibibytes("24", 24)], contexts, null, everyRuntime: true);

        var f16 = rows.Single(r => r.Row.Set.Name == "medium-F16.gguf");
        Assert.Equal(InferenceRuntimes.For(QuantizationFormat.Gguf), f16.Fits.Select(f => f.Runtime));
        Assert.All(f16.Fits, f => Assert.Equal(contexts.Count, f.Cells.Count));
    }

    [Fact]
    public async Task A_file_without_a_model_keeps_its_problem_and_no_cells()
    {
        var repository = await ReadAsync();

        var rows = HubCompareTable.Build(repository, RunSettings.Default, RuntimeSettings.Default, [], HubCompareTable.Contexts(repository), null, everyRuntime: false);

        var broken = rows.Single(r => r.Row.Set.Name == "broken-Q4_K_M.gguf");
        Assert.Empty(broken.Fits);
        Assert.False(string.IsNullOrEmpty(broken.Row.Problem));
        Assert.All(rows.Where(r => r != broken), r => Assert.All(r.Fits.Single().Cells, c => Assert.Equal(FitKind.CpuOnly, c.Estimate.Verdict.Kind)));
    }
}
