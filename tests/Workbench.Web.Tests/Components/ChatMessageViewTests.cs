using Bunit;
using MudBlazor.Services;
using Workbench.Core.Conversations;
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
    public void An_answer_that_reached_its_token_limit_says_so_with_its_seed()
    {
        var message = new ChatMessage("assistant");
        message.Append(new GenerationChunk("Once upon", 2));
        message.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 256, 20, 1020)));
        message.NoteRequest(new SamplingSettings { MaxTokens = 256, Seed = 1234 });

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Contains("stopped at 256 tokens", view.Find("[data-testid=chat-token-limit]").TextContent, StringComparison.Ordinal);
        Assert.Contains("seed 1234", view.Find("[data-testid=chat-seed]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_that_ended_by_itself_has_no_token_limit_label()
    {
        var message = new ChatMessage("assistant");
        message.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 12, 20, 1020)));
        message.NoteRequest(new SamplingSettings { MaxTokens = 256 });

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Empty(view.FindAll("[data-testid=chat-token-limit]"));
    }

    [Fact]
    public void A_regenerated_answer_pages_between_its_versions()
    {
        var first = new ChatMessage("assistant", "Tom");
        first.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 1, 20, 30)));
        var second = first.NextVersion();
        second.Append(new GenerationChunk("Felix", 1));
        second.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 5, 1, 20, 30)));
        var steps = new List<int>();

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, second).Add(v => v.Page, (int step) => steps.Add(step)));

        Assert.Equal("Answer 2 of 2", view.Find("[data-testid=chat-version]").TextContent.Trim());
        Assert.True(view.Find("[data-testid=chat-version-next]").HasAttribute("disabled"));
        view.Find("[data-testid=chat-version-previous]").Click();
        Assert.Equal([-1], steps);
    }

    [Fact]
    public void Editing_a_question_sends_the_new_text_and_shows_it_no_longer_as_a_box()
    {
        var message = new ChatMessage("user", "Name a cat");
        var edits = new List<string>();
        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message).Add(v => v.Edit, (string text) => edits.Add(text)));

        view.Find("[data-testid=chat-edit-start]").Click();
        Assert.Equal("Name a cat", view.Find("textarea[data-testid=chat-edit-input]").GetAttribute("value"));
        view.Find("textarea[data-testid=chat-edit-input]").Input("Name a dog");
        view.Find("[data-testid=chat-edit-send]").Click();

        Assert.Equal(["Name a dog"], edits);
        Assert.Empty(view.FindAll("[data-testid=chat-edit]"));
    }

    [Fact]
    public void Cancelling_an_edit_sends_nothing_and_keeps_the_message()
    {
        var message = new ChatMessage("user", "Name a cat");
        var edits = new List<string>();
        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message).Add(v => v.Edit, (string text) => edits.Add(text)));

        view.Find("[data-testid=chat-edit-start]").Click();
        view.Find("textarea[data-testid=chat-edit-input]").Input("Name a dog");
        view.Find("[data-testid=chat-edit-cancel]").Click();

        Assert.Empty(edits);
        Assert.Equal("Name a cat", view.Find("[data-testid=chat-text]").TextContent.Trim());
    }

    [Fact]
    public void While_an_answer_streams_a_question_cannot_be_edited()
    {
        var view = _context.Render<ChatMessageView>(p => p
            .Add(v => v.Message, new ChatMessage("user", "Name a cat"))
            .Add(v => v.Edit, (string _) => { })
            .Add(v => v.Busy, true));

        Assert.True(view.Find("[data-testid=chat-edit-start]").HasAttribute("disabled"));
    }

    [Fact]
    public void An_edited_question_pages_between_its_branches()
    {
        var message = ChatMessage.Restore(new ConversationMessage(0, "user", "Name a dog", null, false)
        {
            Branch = 1,
            OtherBranches = [new MessageBranch(0, [new ConversationMessage(0, "user", "Name a cat", null, false)])],
        });
        var steps = new List<int>();

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message).Add(v => v.PageBranch, (int step) => steps.Add(step)));

        Assert.Equal("Version 2 of 2", view.Find("[data-testid=chat-branch]").TextContent.Trim());
        Assert.True(view.Find("[data-testid=chat-branch-next]").HasAttribute("disabled"));
        view.Find("[data-testid=chat-branch-previous]").Click();
        Assert.Equal([-1], steps);
    }

    [Fact]
    public void An_answer_has_no_edit_button()
    {
        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, new ChatMessage("assistant", "Tom")).Add(v => v.Edit, (string _) => { }));

        Assert.Empty(view.FindAll("[data-testid=chat-edit-start]"));
    }

    [Fact]
    public void A_code_block_has_a_copy_button_and_its_language()
    {
        var message = new ChatMessage("user", "```python\nprint('hi')  # greet\n```");

        var view = _context.Render<ChatMessageView>(p => p.Add(v => v.Message, message));

        Assert.Equal("Copy", view.Find(".code-block [data-testid=code-copy]").TextContent);
        Assert.Equal("python", view.Find(".code-block .code-lang").TextContent);
        Assert.Equal("print('hi')  # greet", view.Find(".code-block pre").TextContent);
        Assert.Equal("# greet", view.Find(".code-block .tok-c").TextContent);
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
