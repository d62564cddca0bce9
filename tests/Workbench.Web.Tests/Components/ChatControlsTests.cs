using Bunit;
using MudBlazor;
using MudBlazor.Services;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Components.Conversations;
using Workbench.Web.Components.Shared;

namespace Workbench.Web.Tests.Components;

/// <summary>The settings panel, the context usage and how unfinished answers are shown.</summary>
public sealed class ChatControlsTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        return Task.CompletedTask;
    }

    [Fact]
    public void The_settings_panel_opens_on_request_with_every_sampling_setting()
    {
        var panel = _context.Render<ChatSettingsPanel>(p => p.Add(c => c.Settings, ConversationSettings.Default));
        Assert.Empty(panel.FindComponents<MudNumericField<float>>());

        panel.Find("[data-testid=chat-settings-toggle]").Click();

        var labels = panel.FindComponents<MudNumericField<float>>().Select(f => f.Instance.Label)
            .Concat(panel.FindComponents<MudNumericField<int>>().Select(f => f.Instance.Label))
            .Concat(panel.FindComponents<MudNumericField<uint>>().Select(f => f.Instance.Label));
        Assert.Equal(["Temperature", "Top-p", "Min-p", "Repeat penalty", "Top-k", "Max tokens"], labels);
        Assert.Equal(SamplingLimits.MaxTemperature, panel.FindComponents<MudNumericField<float>>()[0].Instance.Max);
        Assert.Contains("until the window is full", panel.Find("[data-testid=chat-settings]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_seed_shows_the_seed_field_and_random_seeds_say_so()
    {
        var random = _context.Render<ChatSettingsPanel>(p => p.Add(c => c.Settings, ConversationSettings.Default));
        random.Find("[data-testid=chat-settings-toggle]").Click();
        Assert.Empty(random.FindComponents<MudNumericField<uint>>());
        Assert.Contains("random seed for each answer", random.Markup, StringComparison.Ordinal);

        var fixedSeed = _context.Render<ChatSettingsPanel>(p => p.Add(c => c.Settings, ConversationSettings.Default with { FixedSeed = true }));
        fixedSeed.Find("[data-testid=chat-settings-toggle]").Click();
        Assert.Equal("Seed", fixedSeed.FindComponent<MudNumericField<uint>>().Instance.Label);
    }

    [Fact]
    public async Task Changing_a_setting_hands_up_the_settings_with_only_that_value_changed()
    {
        ConversationSettings? changed = null;
        var start = ConversationSettings.Default with { SystemPrompt = "Be brief." };
        var panel = _context.Render<ChatSettingsPanel>(p => p
            .Add(c => c.Settings, start)
            .Add(c => c.SettingsChanged, s => changed = s));
        panel.Find("[data-testid=chat-settings-toggle]").Click();

        var temperature = panel.FindComponents<MudNumericField<float>>().Single(f => f.Instance.Label == "Temperature");
        await panel.InvokeAsync(() => temperature.Instance.ValueChanged.InvokeAsync(0.2f));

        Assert.Equal(start with { Sampling = start.Sampling with { Temperature = 0.2f } }, changed);
    }

    [Fact]
    public async Task Changing_the_system_prompt_hands_it_up()
    {
        ConversationSettings? changed = null;
        var panel = _context.Render<ChatSettingsPanel>(p => p
            .Add(c => c.Settings, ConversationSettings.Default)
            .Add(c => c.SettingsChanged, s => changed = s));
        panel.Find("[data-testid=chat-settings-toggle]").Click();

        var prompt = panel.FindComponent<MudTextField<string>>();
        await panel.InvokeAsync(() => prompt.Instance.ValueChanged.InvokeAsync("You are a pirate."));

        Assert.Equal(ConversationSettings.Default with { SystemPrompt = "You are a pirate." }, changed);
    }

    [Fact]
    public void Context_usage_shows_tokens_used_of_the_window_without_a_warning_below_ninety_percent()
    {
        var usage = _context.Render<ContextUsageIndicator>(p => p.Add(c => c.Usage, new ContextUsage(1024, 2048, false)));

        Assert.Contains("1,024 / 2,048 tokens", usage.Find("[data-testid=context-usage-text]").TextContent, StringComparison.Ordinal);
        Assert.Empty(usage.FindAll("[data-testid=context-warning]"));
    }

    [Fact]
    public void Context_usage_above_ninety_percent_warns()
    {
        var usage = _context.Render<ContextUsageIndicator>(p => p.Add(c => c.Usage, new ContextUsage(1900, 2048, false)));

        Assert.Equal("true", usage.Find("[data-testid=context-usage]").GetAttribute("data-nearly-full"));
        Assert.Contains("the next answer may be cut off", usage.Find("[data-testid=context-warning]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_stopped_at_the_end_of_the_context_window_is_warned_about_and_marked()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("and then", 2));
        message.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 2000, 48, 5, 500, 2048, StoppedAtContextEnd: true)));

        var usage = _context.Render<ContextUsageIndicator>(p => p.Add(c => c.Usage, ContextUsage.FromLast([message.Completion])));
        var view = _context.Render<ChatMessageView>(p => p.Add(c => c.Message, message));

        Assert.Contains("context window (2048 tokens) is full", usage.Find("[data-testid=context-warning]").TextContent, StringComparison.Ordinal);
        Assert.Contains("cut off: context window full", view.Find("[data-testid=chat-stats]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", view.Find("[data-testid=chat-message]").GetAttribute("data-incomplete"));
    }

    [Fact]
    public void Without_a_completion_that_knows_the_window_nothing_is_shown()
    {
        var usage = _context.Render<ContextUsageIndicator>(p => p.Add(c => c.Usage, null));

        Assert.Empty(usage.FindAll("[data-testid=context-usage]"));
    }

    [Fact]
    public void A_saved_answer_that_never_ended_shows_as_interrupted_not_streaming()
    {
        var message = ChatMessage.Restore(new ConversationMessage(1, "assistant", "Half of it", null, true));

        var view = _context.Render<ChatMessageView>(p => p.Add(c => c.Message, message));

        Assert.Equal("false", view.Find("[data-testid=chat-message]").GetAttribute("data-streaming"));
        Assert.Equal("true", view.Find("[data-testid=chat-message]").GetAttribute("data-incomplete"));
        Assert.Contains("did not finish", view.Find("[data-testid=chat-interrupted]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_answer_is_not_marked_incomplete()
    {
        var message = ChatMessage.Restore(new ConversationMessage(1, "assistant", "Done.", new GenerationCompletion(GenerationOutcome.Completed, null, 3, 2, 1, 2, 2048), false));

        var view = _context.Render<ChatMessageView>(p => p.Add(c => c.Message, message));

        Assert.Equal("false", view.Find("[data-testid=chat-message]").GetAttribute("data-incomplete"));
        Assert.Empty(view.FindAll("[data-testid=chat-interrupted]"));
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
