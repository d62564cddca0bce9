using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Chat;

/// <summary>The conversation store on a real SQLite file in a temp folder.</summary>
public sealed class ConversationStoreTests : IDisposable
{
    private static readonly ConversationSettings Settings =
        new("Answer in French.", new SamplingSettings { Temperature = 0.3f, TopK = 12, MinP = 0.1f, Seed = 99, MaxTokens = 1024 }, "/models/a.gguf", ContextSize: 8192);

    private readonly TempDatabase _db = new();
    private readonly ManualTimeProvider _time = new();
    private readonly ConversationStore _store;

    public ConversationStoreTests() => _store = new ConversationStore(_db.Database, _time);

    [Fact]
    public async Task A_created_conversation_is_read_back_with_its_title_times_and_settings_after_a_restart()
    {
        var created = await _store.CreateAsync(ConversationCaller.LocalOwner, "  Bread  ", Settings);

        var reopened = new ConversationStore(_db.Open(), _time);
        var transcript = await reopened.GetAsync(ConversationCaller.LocalOwner, created.Id);

        Assert.NotNull(transcript);
        Assert.Equal(created with { Title = "Bread" }, transcript.Conversation);
        Assert.Empty(transcript.Messages);
    }

    [Fact]
    public async Task The_list_puts_the_most_recently_updated_conversation_first()
    {
        var older = await _store.CreateAsync(ConversationCaller.LocalOwner, "older", Settings);
        _time.Advance(TimeSpan.FromMinutes(1));
        var newer = await _store.CreateAsync(ConversationCaller.LocalOwner, "newer", Settings);
        Assert.Equal([newer.Id, older.Id], (await _store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Id));

        _time.Advance(TimeSpan.FromMinutes(1));
        await _store.SaveMessageAsync(older.Id, new ConversationMessage(0, "user", "back to this", null, false));

        Assert.Equal([older.Id, newer.Id], (await _store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Id));
    }

    [Fact]
    public async Task Messages_come_back_in_order_with_their_completion_and_incomplete_flag()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "order", Settings);
        var completion = new GenerationCompletion(GenerationOutcome.Cancelled, null, 12, 3, 40, 90, 2048, StoppedAtContextEnd: false);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Bon", completion, true));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "Hello", null, false));

        var messages = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages;

        Assert.Equal(
            [new ConversationMessage(0, "user", "Hello", null, false), new ConversationMessage(1, "assistant", "Bon", completion, true)],
            messages);
    }

    [Fact]
    public async Task An_answer_kept_as_another_version_can_be_shown_again_and_the_shown_one_is_kept_in_turn()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "versions", Settings);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "Name a cat", null, false));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Tom", ScriptedChatBackend.Completed(3, 1), false));
        await _store.KeepAsOtherVersionAsync(conversation.Id, 1);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Felix", ScriptedChatBackend.Completed(3, 1), false) { Version = 1 });

        var afterRegenerate = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages[1];
        var shown = await _store.ShowVersionAsync(conversation.Id, 1, 0);
        var afterPaging = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages[1];

        Assert.Equal(("Felix", 1), (afterRegenerate.Content, afterRegenerate.Version));
        Assert.Equal([new AnswerVersion(0, "Tom", ScriptedChatBackend.Completed(3, 1))], afterRegenerate.OtherVersions);
        Assert.True(shown);
        Assert.Equal(("Tom", 0), (afterPaging.Content, afterPaging.Version));
        Assert.Equal([new AnswerVersion(1, "Felix", ScriptedChatBackend.Completed(3, 1))], afterPaging.OtherVersions);
        Assert.False(await _store.ShowVersionAsync(conversation.Id, 1, 7));
    }

    [Fact]
    public async Task Search_finds_conversations_by_title_or_message_text_and_treats_wildcards_as_text()
    {
        var bread = await _store.CreateAsync(ConversationCaller.LocalOwner, "Bread", Settings);
        await _store.SaveMessageAsync(bread.Id, new ConversationMessage(0, "user", "Hydration at 70% for sourdough?", null, false));
        await _store.CreateAsync(ConversationCaller.LocalOwner, "Bikes", Settings);

        var bySourdough = await _store.SearchAsync(ConversationCaller.LocalOwner, "SOURDOUGH");
        var byTitle = await _store.SearchAsync(ConversationCaller.LocalOwner, "bik");
        var byPercent = await _store.SearchAsync(ConversationCaller.LocalOwner, "70%");
        var wildcardOnly = await _store.SearchAsync(ConversationCaller.LocalOwner, "%");
        var everything = await _store.SearchAsync(ConversationCaller.LocalOwner, "  ");

        Assert.Equal(["Bread"], bySourdough.Select(c => c.Title));
        Assert.Equal(["Bikes"], byTitle.Select(c => c.Title));
        Assert.Equal(["Bread"], byPercent.Select(c => c.Title));
        Assert.Equal(["Bread"], wildcardOnly.Select(c => c.Title));
        Assert.Equal(2, everything.Count);
    }

    [Fact]
    public async Task A_fixed_seed_choice_is_kept_with_the_conversation()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "seed", Settings);
        await _store.UpdateSettingsAsync(conversation.Id, Settings with { FixedSeed = true });

        var saved = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Conversation.Settings;

        Assert.True(saved.FixedSeed);
    }

    [Fact]
    public async Task A_streaming_answer_is_updated_in_place_from_partial_to_final()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "stream", Settings);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "assistant", "", null, true));

        await _store.UpdateAnswerAsync(conversation.Id, 0, "Once upon", null, incomplete: true);
        var partial = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages.Single();
        var done = ScriptedChatBackend.Completed(5, 4);
        await _store.UpdateAnswerAsync(conversation.Id, 0, "Once upon a time", done, incomplete: false);
        var final = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages.Single();

        Assert.Equal(new ConversationMessage(0, "assistant", "Once upon", null, true), partial);
        Assert.Equal(new ConversationMessage(0, "assistant", "Once upon a time", done, false), final);
    }

    [Fact]
    public async Task An_unknown_conversation_is_null()
    {
        Assert.Null(await _store.GetAsync(ConversationCaller.LocalOwner, Guid.NewGuid()));
    }

    [Fact]
    public async Task Renaming_changes_the_title_and_an_unknown_id_is_reported()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "first", Settings);

        Assert.True(await _store.RenameAsync(ConversationCaller.LocalOwner, conversation.Id, " second "));
        Assert.False(await _store.RenameAsync(ConversationCaller.LocalOwner, Guid.NewGuid(), "third"));
        Assert.Equal("second", (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Conversation.Title);
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData(" ", 3, "empty")]
    [InlineData("x", 201, "at most 200 characters")]
    public async Task A_rename_to_an_empty_or_too_long_title_is_refused_and_the_old_title_kept(string part, int repeat, string reason)
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "keep me", Settings);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _store.RenameAsync(ConversationCaller.LocalOwner, conversation.Id, string.Concat(Enumerable.Repeat(part, repeat))));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Conversation.Title);
    }

    [Fact]
    public async Task Deleting_a_conversation_deletes_its_messages_and_leaves_the_others()
    {
        var doomed = await _store.CreateAsync(ConversationCaller.LocalOwner, "doomed", Settings);
        var kept = await _store.CreateAsync(ConversationCaller.LocalOwner, "kept", Settings);
        await _store.SaveMessageAsync(doomed.Id, new ConversationMessage(0, "user", "a", null, false));
        await _store.SaveMessageAsync(doomed.Id, new ConversationMessage(1, "assistant", "b", null, true));
        await _store.SaveMessageAsync(kept.Id, new ConversationMessage(0, "user", "c", null, false));

        Assert.True(await _store.DeleteAsync(ConversationCaller.LocalOwner, doomed.Id));

        Assert.False(await _store.DeleteAsync(ConversationCaller.LocalOwner, doomed.Id));
        Assert.Equal(1L, await _db.ScalarAsync("SELECT COUNT(*) FROM messages"));
        Assert.Equal([kept.Id], (await _store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Id));
    }

    [Fact]
    public async Task Settings_are_saved_per_conversation()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "settings", Settings);
        var changed = Settings with { SystemPrompt = "Be brief.", Sampling = Settings.Sampling with { TopP = 0.5f }, ModelPath = null };

        await _store.UpdateSettingsAsync(conversation.Id, changed);

        Assert.Equal(changed, (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Conversation.Settings);
    }

    [Fact]
    public async Task An_edited_question_starts_a_branch_and_the_earlier_branch_comes_back_whole_with_its_answer_versions()
    {
        var done = ScriptedChatBackend.Completed(3, 1);
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "branches", Settings);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "Name a cat", null, false));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Tom", done, false));
        await _store.KeepAsOtherVersionAsync(conversation.Id, 1);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Felix", done, false) { Version = 1 });
        var firstBranch = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages;

        await _store.BranchAsync(conversation.Id, new ConversationMessage(0, "user", "Name a dog", null, false) { Branch = 1 });
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Rex", done, false));
        var secondBranch = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages;

        Assert.Equal(["Name a dog", "Rex"], secondBranch.Select(m => m.Content));
        Assert.Equal(1, secondBranch[0].Branch);
        Assert.Empty(secondBranch[1].OtherVersions);
        Assert.Equal([new MessageBranch(0, firstBranch)], secondBranch[0].OtherBranches);

        Assert.True(await _store.ShowBranchAsync(conversation.Id, 0, 0));
        var back = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages;
        Assert.Equal(["Name a cat", "Felix"], back.Select(m => m.Content));
        Assert.Equal([new AnswerVersion(0, "Tom", done)], back[1].OtherVersions);
        Assert.Equal([new MessageBranch(1, [.. secondBranch.Select((m, i) => i == 0 ? m with { OtherBranches = [] } : m)])], back[0].OtherBranches);
        Assert.False(await _store.ShowBranchAsync(conversation.Id, 0, 7));
    }

    [Fact]
    public async Task A_branch_below_another_branch_travels_with_it()
    {
        var done = ScriptedChatBackend.Completed(3, 1);
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "nested", Settings);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "q1", null, false));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "a1", done, false));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(2, "user", "q2", null, false));
        await _store.BranchAsync(conversation.Id, new ConversationMessage(2, "user", "q2 edited", null, false) { Branch = 1 });

        // Editing the first question keeps the whole first branch, the edit of q2 and its branch inside it.
        await _store.BranchAsync(conversation.Id, new ConversationMessage(0, "user", "q1 edited", null, false) { Branch = 1 });
        Assert.Equal(["q1 edited"], (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages.Select(m => m.Content));
        await _store.ShowBranchAsync(conversation.Id, 0, 0);

        var messages = (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages;
        Assert.Equal(["q1", "a1", "q2 edited"], messages.Select(m => m.Content));
        Assert.Equal(["q2"], messages[2].OtherBranches.Select(b => b.Messages[0].Content));
        Assert.Equal(["q1 edited"], messages[0].OtherBranches.Select(b => b.Messages[0].Content));
    }

    [Fact]
    public async Task Removing_messages_from_a_position_keeps_those_before_it()
    {
        var conversation = await _store.CreateAsync(ConversationCaller.LocalOwner, "regenerate", Settings);
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "q", null, false));
        await _store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "a", null, false));

        await _store.RemoveMessagesFromAsync(conversation.Id, 1);

        Assert.Equal(["q"], (await _store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!.Messages.Select(m => m.Content));
    }

    public void Dispose() => _db.Dispose();
}
