using Bunit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Components.Pages;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>The Get models page over the app's real hub services and the local hub server.</summary>
public sealed class GetModelsPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-getmodels-");
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private Bunit.TestDoubles.BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        var repo = Path.Combine(_data.FullName, "repo");
        Directory.CreateDirectory(Path.Combine(_data.FullName, "models"));
        HubModelFixtures.WriteModel(Path.Combine(repo, "medium-F16.gguf"));
        HubModelFixtures.WriteModel(Path.Combine(repo, "medium-F32.gguf"), Workbench.Core.Gguf.GgmlType.F32);
        _hub.AddRepo("acme/Medium-GGUF", repo);
        _hub.Token = "hf_owner";
        _hub.AddRepo("acme/Gated-GGUF", repo, gated: true);
        _factory = HubDashboard.Start(_hub, _data.FullName, Path.Combine(_data.FullName, "models"), b =>
        {
            b.UseSetting("Workbench:HuggingFace:DiskReserveMiB", "0");
            b.UseSetting("Workbench:HuggingFace:Token", "hf_owner");
        });
        _factory.ShareWith(_context, typeof(HubRepositoryReader), typeof(LibraryFit), typeof(DownloadTargets), typeof(DownloadService));
        _auth = _context.AddAuthorization();
        _auth.SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private IRenderedComponent<GetModels> RenderRepository(string repo)
    {
        _context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"get-models?repo={repo}");
        return _context.Render<GetModels>();
    }

    [Fact]
    public void A_repository_shows_a_row_per_file_with_its_total_and_verdict()
    {
        var page = RenderRepository("acme/Medium-GGUF");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=hub-row]").Count), TimeSpan.FromSeconds(30));
        Assert.Equal(["medium-F16.gguf", "medium-F32.gguf"], page.FindAll("[data-testid=hub-row]").Select(r => r.GetAttribute("data-name")));
        Assert.All(page.FindAll("[data-testid=hub-total]"), t => Assert.Equal("FitsFully", t.GetAttribute("data-verdict")));
        Assert.Contains("free", page.Find("[data-testid=hub-free-disk]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Taking_the_gpu_away_makes_every_row_cpu_only()
    {
        var page = RenderRepository("acme/Medium-GGUF");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=hub-total]").Count), TimeSpan.FromSeconds(30));

        page.Find("[data-testid=hub-gpu-none]").Click();

        page.WaitForAssertion(() => Assert.All(page.FindAll("[data-testid=hub-total]"), t => Assert.Equal("CpuOnly", t.GetAttribute("data-verdict"))));
    }

    [Fact]
    public void The_download_button_shows_the_download_until_it_is_done()
    {
        var page = RenderRepository("acme/Medium-GGUF");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=hub-download]").Count), TimeSpan.FromSeconds(30));

        page.FindAll("[data-testid=hub-download]")[0].Click();

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=download]").GetAttribute("data-state")), TimeSpan.FromSeconds(60));
        Assert.Equal("100.0", page.Find("[data-testid=download-progress]").GetAttribute("data-percent"));
        Assert.True(File.Exists(Path.Combine(_data.FullName, "models", "acme", "Medium-GGUF", "medium-F16.gguf")));
    }

    [Fact]
    public void Downloading_a_branch_row_takes_that_branch()
    {
        _hub.AddRepo("acme/Small-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-4"), 4), "main");
        var six = HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-6"), 6);
        _hub.AddRepo("acme/Small-EXL2", six, "6.0bpw");
        var page = RenderRepository("acme/Small-EXL2");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=hub-download]").Count), TimeSpan.FromSeconds(30));
        Assert.Equal(["main", "6.0bpw"], page.FindAll("[data-testid=hub-row]").Select(r => r.GetAttribute("data-revision")));

        page.FindAll("[data-testid=hub-download]")[1].Click();

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=download]").GetAttribute("data-state")), TimeSpan.FromSeconds(60));
        var downloaded = Path.Combine(_data.FullName, "models", "acme", "Small-EXL2-6.0bpw", "model.safetensors");
        Assert.Equal(File.ReadAllBytes(Path.Combine(six, "model.safetensors")), File.ReadAllBytes(downloaded));
    }

    [Fact]
    public void A_link_with_a_revision_opens_the_repository_at_that_branch()
    {
        _hub.AddRepo("acme/Small-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-4"), 4), "main");
        _hub.AddRepo("acme/Small-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-6"), 6), "6.0bpw");

        var page = RenderRepository("acme/Small-EXL2&revision=6.0bpw");

        page.WaitForAssertion(() => Assert.Equal(["6.0bpw", "main"], page.FindAll("[data-testid=hub-row]").Select(r => r.GetAttribute("data-revision"))),
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_guest_is_told_the_gated_repository_is_not_theirs_to_read()
    {
        _auth.SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest);

        var page = RenderRepository("acme/Gated-GGUF");

        page.WaitForAssertion(() => Assert.Contains("Guests read public repositories only", page.Find("[data-testid=hub-problem]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("[data-testid=hub-row]"));
    }

    [Fact]
    public void The_owner_opens_the_gated_repository_with_the_token()
    {
        var page = RenderRepository("acme/Gated-GGUF");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=hub-total]").Count), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_search_lists_the_matching_repositories_and_one_opens()
    {
        var page = _context.Render<GetModels>();

        page.Find("input[data-testid=hub-search]").Input("medium");
        page.Find("[data-testid=hub-search-button]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=hub-result]")), TimeSpan.FromSeconds(30));
        page.Find("[data-testid=hub-result]").Click();

        page.WaitForAssertion(() => Assert.Equal("acme/Medium-GGUF", page.Find("[data-testid=hub-repo-id]").TextContent), TimeSpan.FromSeconds(30));
    }
}
