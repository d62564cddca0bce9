using Bunit;
using MudBlazor.Services;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Components.Shared;

namespace Workbench.Web.Tests.Components;

public sealed class ChatMessageViewTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        return Task.CompletedTask;
    }

    [Fact]
    public void A_streaming_answer_shows_its_text_so_far_and_is_marked_streaming()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("Hel", 1));

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Equal("Hel", view.Find("[data-testid=chat-text]").TextContent.Trim());
        Assert.Equal("true", view.Find("[data-testid=chat-message]").GetAttribute("data-streaming"));
    }

    [Fact]
    public void A_finished_answer_shows_tokens_and_speed()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("Hi", 1));
        message.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 11, 20, 1020)));

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        var stats = view.Find("[data-testid=chat-stats]").TextContent;
        Assert.Contains("11 tokens", stats, StringComparison.Ordinal);
        Assert.Contains("10.0 tok/s", stats, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_answer_shows_the_reason()
    {
        var message = new ChatMessage("assistant");
        message.Append(GenerationChunk.Final(GenerationCompletion.Failure("The worker crashed.")));

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Contains("The worker crashed.", view.Find("[data-testid=chat-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_output_that_looks_like_html_is_shown_as_text()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("<script>alert(1)</script>", 1));

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Empty(view.FindAll("script"));
        Assert.Equal("<script>alert(1)</script>", view.Find("[data-testid=chat-text]").TextContent.Trim());
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
