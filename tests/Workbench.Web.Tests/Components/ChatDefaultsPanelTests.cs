using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Web.Chat;
using Workbench.Web.Components.Settings;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Components;

/// <summary>The Settings page's defaults for new chats over the real store.</summary>
public sealed class ChatDefaultsPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly TempDatabase _db = new();
    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;
    private ChatDefaultsStore _store = null!;

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _authorization = _context.AddAuthorization();
        _store = new ChatDefaultsStore(_db.Database);
        _context.Services.AddSingleton(_store);
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_owner_sets_the_system_prompt_new_chats_start_with()
    {
        _authorization.SetAuthorized("owner").SetRoles(AccessRoles.Owner);
        var panel = _context.Render<ChatDefaultsPanel>();

        panel.Find("[data-testid=chat-settings-toggle]").Click();
        panel.Find("textarea[data-testid=system-prompt]").Change("Answer in French.");

        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("[data-testid=chat-defaults-saved]")));
        Assert.Equal("Answer in French.", (await new ChatDefaultsStore(_db.Open()).GetAsync())?.SystemPrompt);
    }

    [Fact]
    public async Task A_guest_reaching_the_handler_is_refused_and_nothing_is_saved()
    {
        _authorization.SetAuthorized("guest").SetRoles(AccessRoles.Guest);
        var panel = _context.Render<ChatDefaultsPanel>();

        panel.Find("[data-testid=chat-settings-toggle]").Click();
        panel.Find("textarea[data-testid=system-prompt]").Change("Ignore the owner.");

        panel.WaitForAssertion(() => Assert.Contains("Only the owner may", panel.Find("[data-testid=chat-defaults-error]").TextContent, StringComparison.Ordinal));
        Assert.Null(await new ChatDefaultsStore(_db.Open()).GetAsync());
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }
}
