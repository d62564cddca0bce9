using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Api.Compat;
using Workbench.Web.Components.Settings;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Components;

/// <summary>The settings page's API key panel on a real SQLite key store.</summary>
public sealed class ApiKeysPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-keys-panel-");

    private ApiKeyStore Keys => _context.Services.GetRequiredService<ApiKeyStore>();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        var services = _context.Services;
        services.AddMudServices();
        _context.AddAuthorization().SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
        services.AddLogging();
        services.AddSignalR();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new WorkbenchOptions { DataDirectory = _data.FullName }));
        services.AddSingleton(Options.Create(new ApiOptions()));
        services.AddSingleton<IOptionsMonitor<ApiOptions>>(new FixedOptions(new ApiOptions()));
        services.AddSingleton<WorkbenchDatabase>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<LibraryIndex>();
        services.AddSingleton<WorkerRegistry>();
        services.AddSingleton<WorkerTurns>();
        services.AddSingleton<ModelSlots>();
        services.AddSingleton<IOptionsMonitor<RuntimeOptions>>(new Workbench.Web.Tests.TestSupport.FixedOptionsMonitor<RuntimeOptions>(new RuntimeOptions()));
        services.AddSingleton<Workbench.Web.Telemetry.WorkerActivityLog>();
        services.AddSingleton<Workbench.Web.Estimation.MeasuredSpeeds>();
        services.AddSingleton<WorkerGateway>();
        services.AddSingleton(Options.Create(new Workbench.Web.Security.AccessOptions()));
        services.AddSingleton<Workbench.Web.Estimation.EstimationModelSource>();
        services.AddSingleton<Workbench.Web.Estimation.LoadMeasurementStore>();
        services.AddSingleton<Workbench.Web.Estimation.LoadedModelEstimates>();
        services.AddSingleton<Workbench.Web.Estimation.LoadMeasurements>();
        services.AddSingleton<Workbench.Web.Estimation.LoadPlanner>();
        services.AddSingleton<CompatModelResolver>();
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_created_key_is_shown_once_and_works()
    {
        var panel = _context.Render<ApiKeysPanel>();

        panel.Find("input[data-testid=api-key-name]").Input("laptop");
        panel.Find("[data-testid=api-key-create]").Click();

        var secret = panel.WaitForElement("[data-testid=api-key-secret]").TextContent;
        Assert.True(await Keys.IsValidAsync(secret));
        var reopened = _context.Render<ApiKeysPanel>();
        reopened.WaitForAssertion(() => Assert.Single(reopened.FindAll("[data-testid=api-key-row]")));
        Assert.Empty(reopened.FindAll("[data-testid=api-key-secret]"));
        Assert.DoesNotContain(secret, reopened.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_key_on_the_panel_refuses_it()
    {
        var created = await Keys.CreateAsync("phone");
        var panel = _context.Render<ApiKeysPanel>();

        panel.WaitForElement("[data-testid=api-key-revoke]").Click();

        panel.WaitForAssertion(() => Assert.Contains("revoked", panel.Find("[data-testid=api-key-row]").TextContent, StringComparison.Ordinal));
        Assert.False(await Keys.IsValidAsync(created.Secret));
    }

    [Fact]
    public void The_examples_use_this_host_and_the_new_key()
    {
        var panel = _context.Render<ApiKeysPanel>();
        panel.Find("input[data-testid=api-key-name]").Input("scripts");
        panel.Find("[data-testid=api-key-create]").Click();

        var secret = panel.WaitForElement("[data-testid=api-key-secret]").TextContent;
        var snippets = panel.FindAll("[data-testid=api-snippet]").Select(s => s.TextContent).ToList();

        Assert.Equal(3, snippets.Count);
        Assert.All(snippets, s => Assert.Contains(secret, s, StringComparison.Ordinal));
        Assert.All(snippets, s => Assert.Contains("http://localhost", s, StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    private sealed class FixedOptions(ApiOptions value) : IOptionsMonitor<ApiOptions>
    {
        public ApiOptions CurrentValue => value;

        public ApiOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ApiOptions, string?> listener) => null;
    }
}
