using Bunit;
using MudBlazor.Services;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Components.Conversations;
using Workbench.Web.Components.Shared;

namespace Workbench.Web.Tests.Components;

/// <summary>The chat's KV-cache growth: the strip's bar per answer and the figure under each answer.</summary>
public sealed class KvCacheGrowthViewTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        return Task.CompletedTask;
    }

    [Fact]
    public void Before_any_answer_nothing_is_shown()
    {
        var view = _context.Render<KvCacheGrowthView>(p => p.Add(v => v.Turns, []));

        Assert.Empty(view.FindAll("[data-testid=kv-growth]"));
    }

    [Fact]
    public void After_answers_the_strip_says_how_full_the_cache_is_and_draws_a_bar_per_answer()
    {
        KvCacheTurn[] turns =
        [
            new(1, 150, 19_660_800, 19_660_800, 1_073_741_824),
            new(3, 400, 52_428_800, 32_768_000, 1_073_741_824),
        ];

        var view = _context.Render<KvCacheGrowthView>(p => p.Add(v => v.Turns, turns));

        var text = System.Text.RegularExpressions.Regex.Replace(view.Find("[data-testid=kv-growth-text]").TextContent, @"\s+", " ").Trim();
        Assert.Contains("KV cache 50 MiB of 1 GiB (5 %)", text, StringComparison.Ordinal);
        Assert.Contains("after 2 answers; +31 MiB with the last", text, StringComparison.Ordinal);
        var chart = view.FindComponent<MudBlazor.MudChart<double>>();
        Assert.Equal(["#1", "#3"], chart.Instance.ChartLabels);
        Assert.Equal([18.75, 50], chart.Instance.ChartSeries.Single().Data.Values);
    }

    [Fact]
    public void An_answer_shows_what_it_added_to_the_cache()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("Hi", 1));
        message.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 11, 20, 1020, ContextSize: 2048)));

        var view = _context.Render<ChatMessageView>(p => p
            .Add(v => v.Message, message)
            .Add(v => v.KvTurn, new KvCacheTurn(1, 16, 4096, 4096, 524_288)));

        Assert.Equal(" · KV cache +4 KiB (4 KiB in use)", view.Find("[data-testid=chat-kv]").TextContent);
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
