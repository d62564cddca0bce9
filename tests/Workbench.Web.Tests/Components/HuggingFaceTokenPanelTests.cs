using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Core.Hub;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Components.Settings;
using Workbench.Web.Hosting;
using Workbench.Web.Hub;

namespace Workbench.Web.Tests.Components;

/// <summary>The Settings panel that keeps the Hugging Face token, against the local hub server.</summary>
public sealed class HuggingFaceTokenPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-hftoken-");
    private ServiceProvider _http = null!;
    private LocalHub _hub = null!;
    private HubClientFactory _clients = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        _hub.Token = "hf_saved";
        var repo = _data.CreateSubdirectory("repo").FullName;
        File.WriteAllText(Path.Combine(repo, "README.md"), "gated");
        _hub.AddRepo("acme/Gated", repo, gated: true);
        _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new HuggingFaceOptions { Endpoint = _hub.Endpoint.ToString() });
        _clients = new HubClientFactory(_http.GetRequiredService<IHttpClientFactory>(), options,
            Options.Create(new WorkbenchOptions { DataDirectory = _data.FullName }));
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_clients);
        _context.Services.AddSingleton(options);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _http.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task A_saved_token_opens_a_gated_repository_and_is_readable_by_the_owner_only()
    {
        _context.AddAuthorization().SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
        var panel = _context.Render<HuggingFaceTokenPanel>();
        await Assert.ThrowsAsync<HubException>(() => _clients.Create().GetModelAsync(HubRepoId.Parse("acme/Gated"), null, CancellationToken.None));

        panel.Find("input[data-testid=hf-token]").Input("hf_saved");
        panel.Find("[data-testid=hf-token-save]").Click();

        panel.WaitForAssertion(() => Assert.Equal("A token is saved.", panel.Find("[data-testid=hf-token-state]").TextContent.Trim()));
        var info = await _clients.Create().GetModelAsync(HubRepoId.Parse("acme/Gated"), null, CancellationToken.None);
        Assert.True(info.IsGated);
        var file = Path.Combine(_data.FullName, "security", "huggingface.token");
        Assert.Equal("hf_saved", File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_guest_reaching_the_handler_is_refused()
    {
        _context.AddAuthorization().SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest);
        var panel = _context.Render<HuggingFaceTokenPanel>();

        panel.Find("input[data-testid=hf-token]").Input("hf_guest");

        Assert.Throws<Workbench.Web.Security.OwnerOnlyException>(() => panel.Find("[data-testid=hf-token-save]").Click());
        Assert.False(_clients.HasToken);
    }
}
