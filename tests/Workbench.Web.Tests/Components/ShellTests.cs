using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Web;
using Workbench.Web.Components.Layout;

namespace Workbench.Web.Tests.Components;

public sealed class ShellTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.AddAuthorization().SetAuthorized("owner");
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public void The_navigation_links_every_page()
    {
        var nav = _context.Render<NavMenu>();

        var targets = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        Assert.Equal(["", "hardware", "models", "compare", "get-models", "chat", "telemetry", "settings"], targets);
    }

    [Fact]
    public void The_footer_shows_the_app_version()
    {
        var layout = RenderLayout();

        Assert.Contains($"Workbench {AppVersion.Current}", layout.Find("[data-testid=footer]").TextContent, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+", AppVersion.Current);
    }

    [Fact]
    public void A_dark_choice_stored_in_the_browser_starts_dark_and_the_toggle_offers_light()
    {
        _context.JSInterop.SetupModule("./js/theme.js").Setup<string?>("get").SetResult("dark");
        var layout = RenderLayout();

        layout.WaitForAssertion(() => Assert.Equal("true", layout.Find("[data-testid=theme-toggle]").GetAttribute("data-theme-ready")));

        Assert.Equal("Switch to light theme", layout.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Without_a_stored_choice_the_system_preference_decides()
    {
        // bUnit's loose JS answers "not dark" for MudBlazor's system-preference query, and nothing is stored.
        var layout = RenderLayout();

        layout.WaitForAssertion(() => Assert.Equal("true", layout.Find("[data-testid=theme-toggle]").GetAttribute("data-theme-ready")));

        Assert.Equal("Switch to dark theme", layout.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Clicking_the_theme_toggle_switches_and_stores_the_choice()
    {
        var store = _context.JSInterop.SetupModule("./js/theme.js");
        store.Setup<string?>("get").SetResult("dark");
        store.SetupVoid("set", "light").SetVoidResult();
        var layout = RenderLayout();
        layout.WaitForAssertion(() => Assert.Equal("true", layout.Find("[data-testid=theme-toggle]").GetAttribute("data-theme-ready")));

        layout.Find("[data-testid=theme-toggle]").Click();

        Assert.Equal("Switch to dark theme", layout.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
        store.VerifyInvoke("set");
    }

    [Fact]
    public void The_layout_exposes_whether_the_circuit_is_interactive()
    {
        var layout = RenderLayout();

        Assert.Equal("true", layout.Find("#interactive-marker").GetAttribute("data-interactive"));
    }

    [Fact]
    public void The_page_body_is_rendered_inside_the_layout()
    {
        var layout = RenderLayout();

        Assert.Equal("page body", layout.Find("#body-probe").TextContent);
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        _context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b =>
        {
            b.OpenElement(0, "p");
            b.AddAttribute(1, "id", "body-probe");
            b.AddContent(2, "page body");
            b.CloseElement();
        })));

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
