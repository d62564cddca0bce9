using Bunit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Components.Pages;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;
using Workbench.Web.Library;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>The Compare page with a hub repository's files as its rows, over the app's real services and the local hub.</summary>
public sealed class CompareHubPageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-comparehub-");
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        var repo = Path.Combine(_data.FullName, "repo");
        HubModelFixtures.WriteModel(Path.Combine(repo, "medium-F16.gguf"));
        HubModelFixtures.WriteModel(Path.Combine(repo, "medium-F32.gguf"), GgmlType.F32);
        await File.WriteAllBytesAsync(Path.Combine(repo, "broken-Q4_K_M.gguf"), new byte[4096]);
        _hub.AddRepo("acme/Medium-GGUF", repo);
        _hub.Token = "hf_secret";
        _hub.AddRepo("acme/Gated-GGUF", repo, gated: true);
        _factory = HubDashboard.Start(_hub, _data.FullName, Directory.CreateDirectory(Path.Combine(_data.FullName, "models")).FullName);
        _factory.ShareWith(_context, typeof(LibraryIndex), typeof(EstimationModelSource), typeof(LibraryFit), typeof(LoadMeasurements), typeof(MeasuredSpeeds), typeof(HubRepositoryReader), typeof(DownloadTargets), typeof(DownloadService));
        _context.AddAuthorization().SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private IRenderedComponent<Compare> Render(string query)
    {
        _context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"compare{query}");
        return _context.Render<Compare>();
    }

    [Fact]
    public void A_repo_from_the_link_makes_its_files_the_rows_with_a_verdict_per_context_and_a_way_to_download()
    {
        var page = Render("?repo=acme/Medium-GGUF");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=compare-row]").Count), Wait);
        Assert.Equal(["medium-F16.gguf", "medium-F32.gguf"], page.FindAll("[data-testid=compare-row]").Select(r => r.GetAttribute("data-file")).Order());
        Assert.All(page.FindAll("[data-testid=compare-row]"), r => Assert.Equal(2, r.QuerySelectorAll("[data-testid=compare-cell]").Length));
        Assert.All(page.FindAll("[data-testid=compare-cell]"), c => Assert.False(string.IsNullOrEmpty(c.GetAttribute("data-verdict"))));
        Assert.All(page.FindAll("[data-testid=compare-hub-download]"), a => Assert.Equal("get-models?repo=acme/Medium-GGUF&revision=main", a.GetAttribute("href")));
        // The file that could not be read is listed with its reason, not dropped.
        Assert.Equal("broken-Q4_K_M.gguf", page.Find("[data-testid=compare-hub-unsized]").GetAttribute("data-file"));
        Assert.Contains("acme/Medium-GGUF", page.Find("[data-testid=compare-hub-shown]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pasted_hub_link_is_read_and_taking_the_gpu_away_turns_its_rows_cpu_only()
    {
        var page = Render(string.Empty);
        page.Find("input[data-testid=compare-hub-repo]").Input("https://huggingface.co/acme/Medium-GGUF");
        page.Find("input[data-testid=compare-hub-repo]").KeyUp(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=compare-row][data-file]").Count), Wait);

        page.Find("[data-testid=gpu-none]").Click();

        page.WaitForAssertion(() => Assert.All(page.FindAll("[data-testid=compare-cell]"), c => Assert.Equal("CpuOnly", c.GetAttribute("data-verdict"))));
    }

    [Theory]
    [InlineData("acme/Nope", "check the repository id")]
    [InlineData("acme/Gated-GGUF", "gated")]
    public void A_repo_that_cannot_be_read_says_why_instead_of_a_table(string repo, string reason)
    {
        var page = Render($"?repo={repo}");

        page.WaitForAssertion(() => Assert.Contains(reason, page.Find("[data-testid=compare-problem]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(page.FindAll("[data-testid=compare-row]"));
    }

    [Fact]
    public void Closing_the_repo_goes_back_to_the_quantizations_of_the_model()
    {
        var page = Render("?repo=acme/Medium-GGUF");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=compare-row]").Count), Wait);

        page.Find("[data-testid=compare-hub-clear] button, button[data-testid=compare-hub-clear]").Click();

        page.WaitForAssertion(() => Assert.True(page.FindAll("[data-testid=compare-row]").Count >= 20));
        Assert.Empty(page.FindAll("[data-testid=compare-row][data-file]"));
    }

    [Fact]
    public void The_owner_downloads_a_row_from_the_table_with_the_get_models_pages_download()
    {
        var page = Render("?repo=acme/Medium-GGUF");
        var row = "[data-testid=compare-row][data-file='medium-F16.gguf']";
        page.WaitForAssertion(() => page.Find($"{row} [data-testid=compare-hub-download-button]"), Wait);

        page.Find($"{row} [data-testid=compare-hub-download-button]").Click();

        page.WaitForAssertion(() => page.Find($"{row} [data-testid=compare-hub-download-started]"), Wait);
        var file = Path.Combine(_data.FullName, "models", "acme", "Medium-GGUF", "medium-F16.gguf");
        page.WaitForAssertion(() => Assert.True(File.Exists(file)), TimeSpan.FromSeconds(60));
        Assert.Equal(new FileInfo(Path.Combine(_data.FullName, "repo", "medium-F16.gguf")).Length, new FileInfo(file).Length);
    }

    [Fact]
    public void Get_models_links_each_repository_to_its_compare_table()
    {
        _context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("get-models?repo=acme/Medium-GGUF");
        var page = _context.Render<GetModels>();

        page.WaitForAssertion(() => Assert.Equal("compare?repo=acme/Medium-GGUF", page.Find("[data-testid=hub-compare]").GetAttribute("href")), Wait);
    }
}
