using Microsoft.Extensions.Logging.Abstractions;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Chat;

/// <summary>A chat session saving into real SQLite while a scripted worker streams its answers.</summary>
public sealed class ChatSessionPersistenceTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly ManualTimeProvider _time = new();
    private readonly ScriptedChatBackend _backend = new();
    private readonly ConversationStore _store;
    private readonly ChatSession _session;

    public ChatSessionPersistenceTests()
    {
        _store = new ConversationStore(_db.Database, _time);
        _session = NewSession(_store);
    }

    [Fact]
    public async Task The_first_message_starts_a_saved_conversation_titled_after_it()
    {
        var sending = _session.SendAsync("  What is a good sourdough hydration for a beginner who bakes once a week?  ");
        _backend.Send("About 70 %.");
        _backend.End(ScriptedChatBackend.Completed(20, 5));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        var saved = await _store.GetAsync(ConversationCaller.LocalOwner, _session.ConversationId!.Value);
        Assert.NotNull(saved);
        Assert.Equal("What is a good sourdough hydration for a beginner who…", saved.Conversation.Title);
        Assert.Equal(saved.Conversation.Title, _session.Title);
        Assert.Equal(
            [
                new ConversationMessage(0, "user", "What is a good sourdough hydration for a beginner who bakes once a week?", null, false),
                new ConversationMessage(1, "assistant", "About 70 %.", ScriptedChatBackend.Completed(20, 5) with
                {
                    TokenLimit = SamplingLimits.MaxMaxTokens,
                    Seed = _backend.Requests[0].Sampling.Seed,
                }, false),
            ],
            saved.Messages);
    }

    [Fact]
    public async Task A_streaming_answer_is_saved_marked_incomplete_at_most_once_a_second()
    {
        var sending = _session.SendAsync("Tell me a story");
        _backend.Send("Once");
        _backend.Send(" upon");
        await WaitUntilAsync(() => Task.FromResult(_session.Messages[^1].Text == "Once upon"), "both chunks to arrive");
        var beforeASecond = await SavedAnswerAsync();

        _time.Advance(ChatSession.SaveInterval);
        _backend.Send(" a time");
        await WaitUntilAsync(async () => (await SavedAnswerAsync()).Content == "Once upon a time", "the partial answer to be saved");
        var afterASecond = await SavedAnswerAsync();

        _backend.End(ScriptedChatBackend.Completed(4, 3));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new ConversationMessage(1, "assistant", "", null, true), beforeASecond);
        Assert.Equal(new ConversationMessage(1, "assistant", "Once upon a time", null, true), afterASecond);
        var noted = ScriptedChatBackend.Completed(4, 3) with { TokenLimit = SamplingLimits.MaxMaxTokens, Seed = _backend.Requests[0].Sampling.Seed };
        Assert.Equal(new ConversationMessage(1, "assistant", "Once upon a time", noted, false), await SavedAnswerAsync());
    }

    [Fact]
    public async Task The_partial_answer_survives_when_the_session_is_disposed_mid_stream()
    {
        var sending = _session.SendAsync("Talk forever");
        _backend.Send("Half an ans");
        await WaitUntilAsync(() => Task.FromResult(_session.Messages[^1].Text.Length > 0), "the answer to start");

        _session.Dispose(); // the tab was closed
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        var saved = await SavedAnswerAsync();
        Assert.Equal("Half an ans", saved.Content);
        Assert.True(saved.Incomplete);
        Assert.Equal(GenerationOutcome.Cancelled, saved.Completion?.Outcome);
    }

    [Fact]
    public async Task An_answer_cut_off_by_a_crash_reopens_as_incomplete_with_what_was_saved()
    {
        var sending = _session.SendAsync("Talk forever");
        _backend.Send("Saved part");
        await WaitUntilAsync(() => Task.FromResult(_session.Messages[^1].Text == "Saved part"), "the answer to start");
        _time.Advance(ChatSession.SaveInterval);
        _backend.Send(".");
        await WaitUntilAsync(async () => (await SavedAnswerAsync()).Content == "Saved part.", "the partial answer to be saved");

        // As after a restart of the host: a new store over the same file, a new session.
        var afterRestart = NewSession(new ConversationStore(_db.Open(), _time));
        Assert.True(await afterRestart.OpenAsync(_session.ConversationId!.Value));

        var answer = afterRestart.Messages[^1];
        Assert.Equal("Saved part.", answer.Text);
        Assert.False(answer.IsStreaming);
        Assert.True(answer.IsIncomplete);
        Assert.True(afterRestart.CanRegenerate);
        _session.Dispose();
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Regenerate_keeps_the_earlier_answer_as_another_version_that_survives_a_reopen()
    {
        var sending = _session.SendAsync("Name a cat");
        _backend.Send("Tom");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await sending;

        var regenerating = _session.RegenerateAsync();
        _backend.Send("Felix");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await regenerating.WaitAsync(TimeSpan.FromSeconds(10));

        var answer = _session.Messages[^1];
        Assert.Equal(("Felix", 2, 2), (answer.Text, answer.VersionNumber, answer.VersionCount));
        await _session.ShowVersionAsync(answer, -1);
        Assert.Equal(("Tom", 1, 2), (answer.Text, answer.VersionNumber, answer.VersionCount));

        var reopened = NewSession(_store);
        await reopened.OpenAsync(_session.ConversationId!.Value);
        var shown = reopened.Messages[^1];
        Assert.Equal(("Tom", 1, 2), (shown.Text, shown.VersionNumber, shown.VersionCount));
        Assert.Equal("Felix", shown.Neighbour(1)?.Content);
        // The next turn builds on the answer shown.
        Assert.Equal(["Name a cat", "Tom"], reopened.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Editing_a_question_answers_the_edit_from_there_and_keeps_the_earlier_branch_to_page_back_to_after_a_reopen()
    {
        await AskAsync("Name a cat", "Tom");
        await AskAsync("And a dog?", "Rex");

        var editing = _session.EditAsync(_session.Messages[2], "And a horse?");
        _backend.Send("Shadowfax");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await editing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["Name a cat", "Tom", "And a horse?", "Shadowfax"], _session.Messages.Select(m => m.Text));
        // The edit is answered with the conversation before it, not with the branch it replaced.
        Assert.Equal(
            [new ChatTurn("user", "Name a cat"), new ChatTurn("assistant", "Tom"), new ChatTurn("user", "And a horse?")],
            _backend.Requests[^1].Messages);
        var edited = _session.Messages[2];
        Assert.Equal((2, 2), (edited.BranchNumber, edited.BranchCount));

        var reopened = NewSession(_store);
        await reopened.OpenAsync(_session.ConversationId!.Value);
        Assert.Equal(["Name a cat", "Tom", "And a horse?", "Shadowfax"], reopened.Messages.Select(m => m.Text));
        await reopened.ShowBranchAsync(reopened.Messages[2], -1);
        Assert.Equal(["Name a cat", "Tom", "And a dog?", "Rex"], reopened.Messages.Select(m => m.Text));
        Assert.Equal((1, 2), (reopened.Messages[2].BranchNumber, reopened.Messages[2].BranchCount));

        var again = NewSession(_store);
        await again.OpenAsync(_session.ConversationId!.Value);
        Assert.Equal(["Name a cat", "Tom", "And a dog?", "Rex"], again.Messages.Select(m => m.Text));
        await again.ShowBranchAsync(again.Messages[2], 1);
        Assert.Equal(["Name a cat", "Tom", "And a horse?", "Shadowfax"], again.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task The_chosen_context_is_loaded_and_comes_back_with_the_conversation()
    {
        _backend.ModelState = ChatModelState.NeedsLoading;
        await _session.ApplySettingsAsync(_session.Settings with { ModelPath = "/m.gguf", ContextSize = 2048 });
        await AskAsync("Name a cat", "Tom");

        var reopened = NewSession(_store);
        reopened.ContextSize = 8192;
        await reopened.OpenAsync(_session.ConversationId!.Value);

        Assert.Equal([("/m.gguf", (int?)2048)], _backend.Loads);
        Assert.Equal(2048, reopened.ContextSize);
    }

    [Fact]
    public async Task Load_settings_chosen_by_hand_go_with_the_load_and_come_back_with_the_conversation()
    {
        _backend.ModelState = ChatModelState.NeedsLoading;
        var chosen = new Workbench.Core.Protocol.LoadOverrides(GpuLayers: 12, KvCache: Workbench.Core.Estimation.KvCacheType.Q8_0);
        await _session.ApplySettingsAsync(_session.Settings with { ModelPath = "/m.gguf", Load = chosen });
        await AskAsync("Name a cat", "Tom");

        var reopened = NewSession(_store);
        await reopened.OpenAsync(_session.ConversationId!.Value);

        Assert.Equal([chosen], _backend.LoadChoices);
        Assert.Equal(chosen, reopened.Settings.Load);
    }

    [Fact]
    public async Task Search_finds_words_in_earlier_answers_and_in_branches_not_shown()
    {
        await AskAsync("Name a cat", "Tom");
        var regenerating = _session.RegenerateAsync();
        _backend.Send("Felix");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await regenerating.WaitAsync(TimeSpan.FromSeconds(10));
        await AskAsync("And a dog?", "Rex");
        var editing = _session.EditAsync(_session.Messages[2], "And a horse?");
        _backend.Send("Shadowfax");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await editing.WaitAsync(TimeSpan.FromSeconds(10));
        var id = _session.ConversationId!.Value;

        // Shown: the cat, Felix, the horse. Waiting: Tom (an earlier answer), the dog and Rex (a branch).
        foreach (var word in new[] { "Shadowfax", "TOM", "dog", "rex" })
        {
            Assert.Equal([id], (await _store.SearchAsync(ConversationCaller.LocalOwner, word)).Select(c => c.Id));
        }

        Assert.Empty(await _store.SearchAsync(ConversationCaller.LocalOwner, "zebra"));
        Assert.Empty(await _store.SearchAsync(new ConversationCaller("someone-else", false), "rex"));
    }

    [Fact]
    public async Task An_empty_edit_or_an_edit_of_an_answer_changes_nothing()
    {
        await AskAsync("Name a cat", "Tom");

        await _session.EditAsync(_session.Messages[0], "   ");
        await _session.EditAsync(_session.Messages[1], "Felix");

        Assert.Equal(["Name a cat", "Tom"], _session.Messages.Select(m => m.Text));
        Assert.Single(_backend.Requests);
    }

    [Fact]
    public async Task Each_answer_gets_its_own_random_seed_which_is_shown_with_it()
    {
        var sending = _session.SendAsync("Name a cat");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await sending;
        var regenerating = _session.RegenerateAsync();
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await regenerating.WaitAsync(TimeSpan.FromSeconds(10));

        var seeds = _backend.Requests.Select(r => r.Sampling.Seed).ToList();
        Assert.NotEqual(seeds[0], seeds[1]);
        Assert.Equal(seeds[1], _session.Messages[^1].Completion?.Seed);
        Assert.Equal(seeds[0], _session.Messages[^1].OtherVersions.Single().Completion?.Seed);
    }

    [Fact]
    public async Task With_a_fixed_seed_regenerate_uses_the_next_seed_and_keeps_it()
    {
        await _session.ApplySettingsAsync(_session.Settings with { FixedSeed = true, Sampling = new SamplingSettings { Seed = 41 } });
        var sending = _session.SendAsync("Name a cat");
        _backend.Send("Tom");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await sending;

        var regenerating = _session.RegenerateAsync();
        _backend.Send("Felix");
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await regenerating.WaitAsync(TimeSpan.FromSeconds(10));

        var saved = (await _store.GetAsync(ConversationCaller.LocalOwner, _session.ConversationId!.Value))!;
        Assert.Equal(["Name a cat", "Felix"], saved.Messages.Select(m => m.Content));
        Assert.Equal(["Name a cat", "Felix"], _session.Messages.Select(m => m.Text));
        Assert.Equal([41u, 42u], _backend.Requests.Select(r => r.Sampling.Seed));
        Assert.Equal(42u, saved.Conversation.Settings.Sampling.Seed);
        Assert.Equal([new ChatTurn("user", "Name a cat")], _backend.Requests[1].Messages);
    }

    [Fact]
    public async Task The_system_prompt_is_sent_first_and_settings_are_kept_with_the_conversation_within_bounds()
    {
        await _session.ApplySettingsAsync(new ConversationSettings("  Be brief.  ", new SamplingSettings { Temperature = 7f, MaxTokens = 64 }, "/m.gguf"));
        var sending = _session.SendAsync("Hi");
        _backend.End(ScriptedChatBackend.Completed(3, 0));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        await _session.ApplySettingsAsync(_session.Settings with { SystemPrompt = "Be very brief." });
        var reopened = NewSession(_store);
        await reopened.OpenAsync(_session.ConversationId!.Value);

        Assert.Equal([new ChatTurn("system", "Be brief."), new ChatTurn("user", "Hi")], _backend.Requests[0].Messages);
        Assert.Equal(SamplingLimits.MaxTemperature, _backend.Requests[0].Sampling.Temperature);
        Assert.Equal(new ConversationSettings("Be very brief.", new SamplingSettings { Temperature = 2f, MaxTokens = 64 }, "/m.gguf"), reopened.Settings);
    }

    [Fact]
    public async Task Without_a_worker_the_answer_fails_with_a_reason_and_is_saved_as_failed()
    {
        _backend.ModelState = ChatModelState.NoWorker;

        await _session.SendAsync("Anyone there?").WaitAsync(TimeSpan.FromSeconds(10));

        var saved = await SavedAnswerAsync();
        Assert.Equal(GenerationOutcome.Failed, saved.Completion?.Outcome);
        Assert.Contains("No worker", saved.Completion!.Error, StringComparison.Ordinal);
        Assert.True(saved.Incomplete);
    }

    [Fact]
    public async Task A_failed_load_is_explained_once_in_the_answer_with_advice_and_not_again_as_a_notice()
    {
        _backend.ModelState = ChatModelState.NeedsLoading;
        _backend.LoadError = "llama.cpp could not load bad.gguf: key not found in model: tokenizer.ggml.model";
        _session.ModelPath = "/models/bad.gguf";

        await _session.SendAsync("Hello?").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(_session.Notice);
        var error = _session.Messages[^1].Completion?.Error;
        Assert.StartsWith(_backend.LoadError, error, StringComparison.Ordinal);
        Assert.Contains("Try another GGUF", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_messages_is_refused_after_the_burst_with_a_reason()
    {
        _backend.ModelState = ChatModelState.NoWorker;

        for (var i = 0; i < ChatSession.SendBurst; i++)
        {
            await _session.SendAsync($"message {i}").WaitAsync(TimeSpan.FromSeconds(10));
        }

        var before = _session.Messages.Count;
        await _session.SendAsync("one too many").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2 * ChatSession.SendBurst, before);
        Assert.Equal(before, _session.Messages.Count);
        Assert.Contains("faster than a person types", _session.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_is_told_only_the_owner_loads_models_and_nothing_is_loaded()
    {
        _backend.ModelState = ChatModelState.NeedsLoading;
        _session.CanLoadModels = false;
        _session.ModelPath = "/models/other.gguf";

        await _session.SendAsync("Hello?").WaitAsync(TimeSpan.FromSeconds(10));

        var saved = await SavedAnswerAsync();
        Assert.Contains("Only the owner can load a model", saved.Completion?.Error, StringComparison.Ordinal);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task Stop_during_a_load_ends_the_answer_as_cancelled_and_says_the_load_stopped()
    {
        _backend.ModelState = ChatModelState.NeedsLoading;
        _backend.HoldLoads = true;
        _session.ModelPath = "/models/big.gguf";
        _session.ContextSize = 8192;

        var sending = _session.SendAsync("Hello?");
        await WaitUntilAsync(() => Task.FromResult(_backend.Loads.Count == 1), "the load to start");
        _session.Stop();
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(("/models/big.gguf", (int?)8192), _backend.Loads.Single());
        Assert.Equal("Stopped loading big.gguf.", _session.Notice);
        Assert.Equal(GenerationOutcome.Cancelled, (await SavedAnswerAsync()).Completion?.Outcome);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task Opening_an_unknown_conversation_starts_a_new_one_and_says_so()
    {
        Assert.False(await _session.OpenAsync(Guid.NewGuid()));

        Assert.Null(_session.ConversationId);
        Assert.Empty(_session.Messages);
        Assert.Contains("no longer exists", _session.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_session_saves_conversations_as_the_guests_and_cannot_open_the_owners()
    {
        var ownersChat = await _store.CreateAsync(ConversationCaller.LocalOwner, "owner's", ConversationSettings.Default);
        var guest = new ConversationCaller("guest-token-id", SeesAll: false);
        _session.Caller = guest;

        var opened = await _session.OpenAsync(ownersChat.Id);
        var sending = _session.SendAsync("hello");
        _backend.Send("hi");
        _backend.End(ScriptedChatBackend.Completed(2, 1));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(opened);
        Assert.NotEqual(ownersChat.Id, _session.ConversationId);
        Assert.Equal([_session.ConversationId!.Value], (await _store.ListAsync(guest)).Select(c => c.Id));
        Assert.Equal(2, (await _store.ListAsync(ConversationCaller.LocalOwner)).Count);
    }

    private async Task AskAsync(string question, string answer)
    {
        var sending = _session.SendAsync(question);
        _backend.Send(answer);
        _backend.End(ScriptedChatBackend.Completed(3, 1));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private ChatSession NewSession(ConversationStore store) => new(_backend, store, _time, NullLogger<ChatSession>.Instance);

    private async Task<ConversationMessage> SavedAnswerAsync() =>
        (await _store.GetAsync(ConversationCaller.LocalOwner, _session.ConversationId!.Value))!.Messages[^1];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _db.Dispose();
    }
}
