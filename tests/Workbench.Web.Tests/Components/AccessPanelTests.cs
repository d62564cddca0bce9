using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Components.Settings;
using Workbench.Web.Hosting;
using Workbench.Web.Security;

namespace Workbench.Web.Tests.Components;

/// <summary>The Settings page's token panel over the real token store in a temp data folder.</summary>
public sealed class AccessPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-access-panel-");
    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;
    private AccessTokenStore _store = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _authorization = _context.AddAuthorization();
        _authorization.SetAuthorized("owner").SetRoles(AccessRoles.Owner);
        _store = new AccessTokenStore(Options.Create(new WorkbenchOptions { DataDirectory = _data.FullName }), TimeProvider.System);
        _store.Rotate(AccessRoles.Owner);
        _context.Services.AddSingleton(_store);
        _context.Services.AddSingleton(Options.Create(new AccessOptions()));
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public void The_owner_creates_a_guest_token_shown_once_and_deletes_it()
    {
        var panel = _context.Render<AccessPanel>();

        panel.Find("input[data-testid=access-token-name]").Input("kitchen tablet");
        panel.Find("[data-testid=access-token-create]").Click();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=access-token-row]").Count));
        var secret = panel.Find("[data-testid=new-token] code").TextContent;
        Assert.Equal("kitchen tablet", _store.SignIn(secret)?.Token.Name);
        panel.FindAll("[data-testid=access-token-delete]")[1].Click();
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=access-token-row]")));
        Assert.Null(_store.SignIn(secret));
    }

    [Fact]
    public void Deleting_the_last_owner_token_is_refused_with_the_reason()
    {
        var panel = _context.Render<AccessPanel>();

        panel.Find("[data-testid=access-token-delete]").Click();

        panel.WaitForAssertion(() => Assert.Contains("last owner token", panel.Find("[data-testid=access-token-error]").TextContent, StringComparison.Ordinal));
        Assert.Single(_store.List());
    }

    [Fact]
    public void A_guest_whose_circuit_reaches_the_create_handler_is_refused()
    {
        _authorization.SetAuthorized("guest").SetRoles(AccessRoles.Guest);
        var panel = _context.Render<AccessPanel>();

        panel.Find("input[data-testid=access-token-name]").Input("mine now");
        panel.Find("[data-testid=access-token-create]").Click();

        panel.WaitForAssertion(() => Assert.Contains("Only the owner may make sign-in tokens", panel.Markup, StringComparison.Ordinal));
        Assert.Single(_store.List());
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
