using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Api.Compat;
using Workbench.Web.Components.Telemetry;

namespace Workbench.Web.Tests.Components;

/// <summary>The Telemetry page's table of recent API requests.</summary>
public sealed class ApiRequestTableTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly ApiRequestLog _log = new(Options.Create(new ApiOptions { RequestLogCapacity = 3 }));

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_log);
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public void Without_requests_the_table_says_so()
    {
        var table = _context.Render<ApiRequestTable>();

        Assert.NotNull(table.Find("[data-testid=api-requests-empty]"));
    }

    [Fact]
    public void A_new_request_appears_with_its_client_model_tokens_and_outcome()
    {
        var table = _context.Render<ApiRequestTable>();

        _log.Add(Record("OllamaSharp/5.5.2", ApiRequestOutcome.Cancelled));

        table.WaitForAssertion(() =>
        {
            var row = table.Find("[data-testid=api-request-row]");
            Assert.Contains("OllamaSharp/5.5.2", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("alpha", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("12 / 34", row.TextContent, StringComparison.Ordinal);
            Assert.Equal("Cancelled", table.Find("[data-testid=api-request-outcome]").TextContent.Trim());
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_log_keeps_only_the_newest_requests()
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Add(Record($"client-{i}", ApiRequestOutcome.Completed));
        }

        Assert.Equal(["client-4", "client-3", "client-2"], _log.Recent.Select(r => r.Client));
    }

    private static ApiRequestRecord Record(string client, ApiRequestOutcome outcome) =>
        new(DateTimeOffset.UtcNow, "Ollama", "/api/chat", client, "alpha", 12, 34, 56.7, outcome, null, 89);

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
