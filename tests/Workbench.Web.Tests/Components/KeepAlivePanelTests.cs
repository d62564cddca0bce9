using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Components.Settings;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Components;

public sealed class KeepAlivePanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-keep-alive-panel-");
    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;
    private KeepAliveDefault _keepAlive = null!;

    private IOptions<WorkbenchOptions> Options => Microsoft.Extensions.Options.Options.Create(new WorkbenchOptions { DataDirectory = _temp.FullName, ModelKeepAlive = TimeSpan.FromMinutes(15) });

    public async Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _authorization = _context.AddAuthorization();
        _authorization.SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
        _keepAlive = NewKeepAlive();
        await _keepAlive.StartAsync(CancellationToken.None);
        _context.Services.AddSingleton(_keepAlive);
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public async Task A_chosen_keep_alive_applies_at_once_and_is_read_back_after_a_restart()
    {
        var panel = _context.Render<KeepAlivePanel>();
        var select = panel.FindComponent<MudBlazor.MudSelect<string>>();
        Assert.Equal(TimeSpan.FromMinutes(15), _keepAlive.Current);

        await panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(TimeSpan.FromHours(1).ToString("c", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(TimeSpan.FromHours(1), _keepAlive.Current);
        var restarted = NewKeepAlive();
        await restarted.StartAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromHours(1), restarted.Current);

        await panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("configured"));
        var again = NewKeepAlive();
        await again.StartAsync(CancellationToken.None);
        Assert.Null(again.Chosen);
        Assert.Equal(TimeSpan.FromMinutes(15), again.Current);
    }

    [Fact]
    public async Task A_guest_whose_circuit_reaches_the_handler_is_refused_and_nothing_changes()
    {
        _authorization.SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest);
        var panel = _context.Render<KeepAlivePanel>();
        var select = panel.FindComponent<MudBlazor.MudSelect<string>>();

        await panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(TimeSpan.Zero.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));

        panel.WaitForAssertion(() => Assert.Contains("Only the owner may", panel.Find("[data-testid=keep-alive-error]").TextContent, StringComparison.Ordinal));
        Assert.Null(_keepAlive.Chosen);
    }

    [Theory]
    [InlineData(0, "never (keep loaded)")]
    [InlineData(5, "5 min")]
    [InlineData(60, "1 h")]
    [InlineData(90, "90 min")]
    public void Durations_read_as_people_say_them(int minutes, string expected) =>
        Assert.Equal(expected, KeepAlivePanel.Describe(TimeSpan.FromMinutes(minutes)));

    private KeepAliveDefault NewKeepAlive() => new(new WorkbenchDatabase(Options), Options, NullLogger<KeepAliveDefault>.Instance);

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _temp.Delete(recursive: true);
    }
}
