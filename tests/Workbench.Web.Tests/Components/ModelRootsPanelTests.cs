using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Components.Settings;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Components;

public sealed class ModelRootsPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-roots-panel-");
    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _authorization = _context.AddAuthorization();
        _authorization.SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
        var options = Options.Create(new WorkbenchOptions { DataDirectory = Path.Combine(_temp.FullName, "data"), DiscoverKnownStores = false });
        _context.Services.AddSingleton(new ModelRootCatalog(options, new ModelRootStore(new WorkbenchDatabase(options), TimeProvider.System)));
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public void A_relative_path_is_refused_with_the_reason_beside_the_field()
    {
        var panel = _context.Render<ModelRootsPanel>();

        panel.Find("input[data-testid=new-root]").Input("models");
        panel.Find("[data-testid=add-root]").Click();

        panel.WaitForAssertion(() => Assert.Contains("is not a full path", panel.Markup, StringComparison.Ordinal));
        Assert.Single(panel.FindAll("[data-testid=model-root]"));
    }

    [Fact]
    public void An_added_folder_is_listed_as_removable_and_removing_it_takes_it_off()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "models")).FullName;
        var panel = _context.Render<ModelRootsPanel>();

        panel.Find("input[data-testid=new-root]").Input(folder);
        panel.Find("[data-testid=add-root]").Click();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=model-root]").Count));
        Assert.Contains(folder, panel.FindAll("[data-testid=model-root]")[0].TextContent, StringComparison.Ordinal);
        panel.Find("[data-testid=remove-root]").Click();
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=model-root]")));
        Assert.Empty(panel.FindAll("[data-testid=remove-root]"));
    }

    [Fact]
    public void A_guest_whose_circuit_reaches_the_add_handler_is_refused_and_nothing_is_added()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "guest-models")).FullName;
        _authorization.SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest);
        var panel = _context.Render<ModelRootsPanel>();

        panel.Find("input[data-testid=new-root]").Input(folder);
        panel.Find("[data-testid=add-root]").Click();

        panel.WaitForAssertion(() => Assert.Contains("Only the owner may add model folders", panel.Markup, StringComparison.Ordinal));
        Assert.Single(panel.FindAll("[data-testid=model-root]"));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Delete(recursive: true);
    }
}
