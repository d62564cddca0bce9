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
        _context.Services.AddSingleton(new SignInLinkSource(new ListeningEverywhere(), () => [System.Net.IPAddress.Parse("192.168.1.20"), System.Net.IPAddress.Parse("fd00::20")]));
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
    public void A_new_token_comes_with_a_link_and_a_qr_code_for_each_address_of_the_machine()
    {
        var panel = _context.Render<AccessPanel>();

        panel.Find("input[data-testid=access-token-name]").Input("phone");
        panel.Find("[data-testid=access-token-create]").Click();

        panel.WaitForAssertion(() => Assert.Equal(3, panel.FindAll("[data-testid=signin-link]").Count));
        var secret = Uri.EscapeDataString(panel.Find("[data-testid=new-token] code").TextContent);
        Assert.Equal(
            [$"http://192.168.1.20:5080/signin/link?token={secret}", $"http://[fd00::20]:5080/signin/link?token={secret}", $"http://{Environment.MachineName}:5080/signin/link?token={secret}"],
            panel.FindAll("[data-testid=signin-link] code").Select(c => c.TextContent));
        Assert.All(panel.FindAll("[data-testid=signin-qr]"), img => Assert.StartsWith("data:image/png;base64,", img.GetAttribute("src"), StringComparison.Ordinal));
    }

    /// <summary>A server listening on every interface at port 5080.</summary>
    private sealed class ListeningEverywhere : Microsoft.AspNetCore.Hosting.Server.IServer
    {
        public ListeningEverywhere()
        {
            var addresses = new Microsoft.AspNetCore.Hosting.Server.Features.ServerAddressesFeature();
            addresses.Addresses.Add("http://*:5080");
            Features.Set<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>(addresses);
        }

        public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

        public Task StartAsync<TContext>(Microsoft.AspNetCore.Hosting.Server.IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
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
