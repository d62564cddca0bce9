using System.Threading.RateLimiting;
using Microsoft.Data.Sqlite;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Web.Chat;

/// <summary>
/// One browser tab's conversation: sends turns to the worker, streams the answer in, and keeps the
/// conversation in the <see cref="ConversationStore"/>. It re-renders in batches (at most every
/// <see cref="RenderInterval"/>) rather than per token, and saves a streaming answer at most every
/// <see cref="SaveInterval"/>, so a crash or a closed tab loses at most that much of it.
/// </summary>
public sealed partial class ChatSession(
    IChatBackend backend,
    ConversationStore store,
    TimeProvider time,
    ILogger<ChatSession> logger,
    Workbench.Web.Data.DataFolderHealth? dataFolder = null,
    Microsoft.Extensions.Options.IOptions<ChatOptions>? options = null) : IDisposable
{
    /// <summary>Shortest time between two re-renders while streaming.</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Shortest time between two saves of a streaming answer.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest message, in characters. The page's text field stops there (its maxlength): the circuit takes at most
    /// 64 KiB per message from the browser, and a longer paste used to kill the circuit silently.
    /// </summary>
    public const int MaxMessageLength = 8_000;

    /// <summary>Messages a browser may send at once; then one more every <see cref="SendRefill"/>.</summary>
    public const int SendBurst = 6;

    /// <summary>How often one more message may be sent after a burst.</summary>
    public static readonly TimeSpan SendRefill = TimeSpan.FromSeconds(10);

    // Per circuit (this session is scoped to one): a script in a browser cannot flood the shared worker.
    private readonly TokenBucketRateLimiter _sends = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = SendBurst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = SendRefill,
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private List<ChatMessage> _messages = [];
    private CancellationTokenSource? _generation;

    /// <summary>Raised when the conversation changed and should be rendered.</summary>
    public event Func<Task>? Changed;

    /// <summary>The conversation, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages;

    /// <summary>True while an answer streams.</summary>
    public bool IsGenerating => _generation is not null;

    /// <summary>The saved conversation shown, or null until the first message starts one.</summary>
    public Guid? ConversationId { get; private set; }

    /// <summary>The conversation's title.</summary>
    public string Title { get; private set; } = ConversationTitle.Untitled;

    /// <summary>System prompt, sampling settings and model of this conversation (and the next new one).</summary>
    public ConversationSettings Settings { get; private set; } = options?.Value.DefaultMaxTokens is { } maxTokens
        ? ConversationSettings.Default with { Sampling = SamplingLimits.Clamp(ConversationSettings.ChatSampling with { MaxTokens = maxTokens }) }
        : ConversationSettings.Default;

    /// <summary>Whether this user may load models (the owner); a guest chats with whatever is loaded.</summary>
    public bool CanLoadModels { get; set; } = true;

    /// <summary>Who uses this session: owns the conversations it creates and may open only those they may see.</summary>
    public ConversationCaller Caller { get; set; } = ConversationCaller.Anonymous;

    /// <summary>The model file chat uses; loaded on the first message if the worker has another.</summary>
    public string? ModelPath
    {
        get => Settings.ModelPath;
        set => Settings = Settings with { ModelPath = value };
    }

    /// <summary>Sampling settings for the next answers.</summary>
    public SamplingSettings Sampling
    {
        get => Settings.Sampling;
        set => Settings = Settings with { Sampling = value };
    }

    /// <summary>Status line for the user (loading, errors).</summary>
    public string? Notice { get; private set; }

    /// <summary>How full the context window was at the last answer that reported it.</summary>
    public ContextUsage? ContextUsage => ContextUsage.FromLast(_messages.Where(m => m.Role == "assistant").Select(m => m.Completion));

    /// <summary>
    /// Context the model is loaded with for this chat; null for the default (<see cref="Workbench.Web.Estimation.LoadPlanner.DefaultContext"/>).
    /// Kept in <see cref="Settings"/>, so it is saved with the conversation (<see cref="ApplySettingsAsync"/>).
    /// </summary>
    public int? ContextSize
    {
        get => Settings.ContextSize;
        set => Settings = Settings with { ContextSize = value };
    }

    /// <summary>Requests ahead of this answer while every slot of its model is busy (0: not waiting).</summary>
    public int RequestsAhead { get; private set; }

    /// <summary>The last message is an answer that can be asked for again.</summary>
    public bool CanRegenerate => !IsGenerating && _messages.Count > 0 && _messages[^1].Role == "assistant";

    /// <summary>Shows a saved conversation; false (and an empty conversation) when there is none with that id.</summary>
    public async Task<bool> OpenAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Stop();
        ConversationTranscript? transcript;
        try
        {
            transcript = await store.GetAsync(Caller, id, cancellationToken);
        }
        catch (SqliteException e)
        {
            StartNew();
            LogOpenFailed(logger, id, e);
            Notice = $"The conversation could not be read: {e.Message}";
            return false;
        }

        if (transcript is null)
        {
            StartNew();
            Notice = "That conversation no longer exists; this is a new one.";
            return false;
        }

        var saved = transcript.Conversation;
        ConversationId = saved.Id;
        Title = saved.Title;
        // A conversation saved before any model was chosen keeps the model chosen now.
        Settings = saved.Settings with { ModelPath = saved.Settings.ModelPath ?? Settings.ModelPath };
        _messages = [.. transcript.Messages.Select(ChatMessage.Restore)];
        Notice = null;
        return true;
    }

    /// <summary>
    /// Takes the owner's defaults for new chats (system prompt, sampling, seed choice) while no conversation is open;
    /// the model and context stay as chosen.
    /// </summary>
    public void UseDefaults(ConversationSettings? defaults)
    {
        if (defaults is not null && ConversationId is null && _messages.Count == 0)
        {
            Settings = Settings with { SystemPrompt = defaults.SystemPrompt, Sampling = defaults.Sampling, FixedSeed = defaults.FixedSeed };
        }
    }

    /// <summary>Starts over with an empty, not yet saved conversation that keeps the current settings.</summary>
    public void StartNew()
    {
        Stop();
        ConversationId = null;
        Title = ConversationTitle.Untitled;
        _messages = [];
        Notice = null;
    }

    /// <summary>Uses <paramref name="settings"/> (brought within <see cref="SamplingLimits"/>) and saves them with the conversation.</summary>
    public async Task ApplySettingsAsync(ConversationSettings settings)
    {
        Settings = settings with { Sampling = SamplingLimits.Clamp(settings.Sampling) };
        await PersistAsync(ConversationId, id => store.UpdateSettingsAsync(id, Settings));
    }

    /// <summary>Sends a user message and streams the answer; the first message starts a saved conversation titled after it.</summary>
    public async Task SendAsync(string text)
    {
        using var permit = await AdmitAsync(text);
        if (permit is null)
        {
            return;
        }

        var question = new ChatMessage("user", text.Trim());
        using var generation = BeginGeneration();
        try
        {
            await SaveConversationAsync(question.Text);
            _messages.Add(question);
            var position = _messages.Count - 1;
            await PersistAsync(ConversationId, id => store.SaveMessageAsync(id, question.ToSaved(position)));
            await AnswerAsync(generation.Token);
        }
        finally
        {
            await EndGenerationAsync();
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/> in place of the user message <paramref name="message"/> and streams a new answer: the
    /// message and everything after it stay as another branch to page back to (<see cref="ShowBranchAsync"/>).
    /// </summary>
    public async Task EditAsync(ChatMessage message, string text)
    {
        var position = _messages.IndexOf(message);
        if (position < 0 || message.Role != "user")
        {
            return;
        }

        using var permit = await AdmitAsync(text);
        if (permit is null)
        {
            return;
        }

        var kept = BranchFrom(position);
        var edited = ChatMessage.Restore(new ConversationMessage(position, "user", text.Trim(), null, false)
        {
            Branch = message.NextBranch,
            OtherBranches = [.. message.OtherBranches, kept],
        });
        using var generation = BeginGeneration();
        try
        {
            await SaveConversationAsync(edited.Text);
            _messages = [.. _messages.Take(position), edited];
            await PersistAsync(ConversationId, id => store.BranchAsync(id, edited.ToSaved(position)));
            await AnswerAsync(generation.Token);
        }
        finally
        {
            await EndGenerationAsync();
        }
    }

    /// <summary>Shows the edit <paramref name="step"/> branches away from the user message <paramref name="message"/>, with the conversation that followed it.</summary>
    public async Task ShowBranchAsync(ChatMessage message, int step)
    {
        var position = _messages.IndexOf(message);
        if (IsGenerating || position < 0 || message.NeighbourBranch(step) is not { } branch || branch.Messages.Count == 0)
        {
            return;
        }

        var kept = BranchFrom(position);
        var restored = branch.Messages.Select(ChatMessage.Restore).ToList();
        restored[0] = ChatMessage.Restore(branch.Messages[0] with { OtherBranches = [.. message.OtherBranches.Where(b => b.Branch != branch.Branch), kept] });
        _messages = [.. _messages.Take(position), .. restored];
        await PersistAsync(ConversationId, id => store.ShowBranchAsync(id, position, branch.Branch));
        await NotifyAsync();
    }

    /// <summary>The message at <paramref name="position"/> and everything after it, as a branch of that message.</summary>
    private MessageBranch BranchFrom(int position) => new(
        _messages[position].Branch,
        [.. _messages.Skip(position).Select((m, i) => i == 0 ? m.ToSaved(position) with { OtherBranches = [] } : m.ToSaved(position + i))]);

    /// <summary>
    /// Asks for the last answer again; the earlier answer is kept as another version to page back to
    /// (<see cref="ShowVersionAsync"/>). With a fixed seed the seed steps by one, so that the new answer differs.
    /// </summary>
    public async Task RegenerateAsync()
    {
        if (!CanRegenerate)
        {
            return;
        }

        using var generation = BeginGeneration();
        try
        {
            var position = _messages.Count - 1;
            var previous = _messages[position];
            _messages.RemoveAt(position);
            await PersistAsync(ConversationId, id => store.KeepAsOtherVersionAsync(id, position));
            if (Settings.FixedSeed)
            {
                // The same seed and prompt give the same answer. The stepped seed is kept, so this answer can be reproduced.
                Settings = Settings with { Sampling = Settings.Sampling with { Seed = unchecked(Settings.Sampling.Seed + 1) } };
                await PersistAsync(ConversationId, id => store.UpdateSettingsAsync(id, Settings));
            }

            await AnswerAsync(generation.Token, previous.NextVersion());
        }
        finally
        {
            await EndGenerationAsync();
        }
    }

    /// <summary>Shows the answer <paramref name="step"/> versions away from the one shown in <paramref name="message"/> (−1 older, +1 newer).</summary>
    public async Task ShowVersionAsync(ChatMessage message, int step)
    {
        var position = _messages.IndexOf(message);
        if (IsGenerating || position < 0 || message.Neighbour(step) is not { } version)
        {
            return;
        }

        message.Show(version);
        await PersistAsync(ConversationId, id => store.ShowVersionAsync(id, position, version.Version));
        await NotifyAsync();
    }

    /// <summary>A send permit for <paramref name="text"/>, or null (with the reason as the notice) when it may not be sent now.</summary>
    private async Task<RateLimitLease?> AdmitAsync(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || IsGenerating)
        {
            return null;
        }

        if (text.Length > MaxMessageLength)
        {
            Notice = $"Messages are limited to {MaxMessageLength:N0} characters; this one has {text.Length:N0}. Send it in parts.";
            await NotifyAsync();
            return null;
        }

        var permit = _sends.AttemptAcquire();
        if (!permit.IsAcquired)
        {
            permit.Dispose();
            Notice = "Messages are arriving faster than a person types; wait a few seconds and send again.";
            await NotifyAsync();
            return null;
        }

        return permit;
    }

    /// <summary>Stops the answer that is streaming.</summary>
    public void Stop()
    {
        try
        {
            _generation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It just finished.
        }
    }

    private async Task AnswerAsync(CancellationToken cancellationToken, ChatMessage? answer = null)
    {
        // Captured: the user may open another conversation while this answer winds down.
        var conversationId = ConversationId;
        var messages = _messages;
        var turns = ToTurns(messages);
        answer ??= new ChatMessage("assistant");
        var sampling = SamplingForNextAnswer();
        messages.Add(answer);
        var position = messages.Count - 1;
        await PersistAsync(conversationId, id => store.SaveMessageAsync(id, answer.ToSaved(position)));
        try
        {
            await NotifyAsync();
            if (await PrepareModelAsync(cancellationToken) is { } problem)
            {
                // Said once, in the answer's own alert (with advice where we have some), not also as a notice above.
                Notice = null;
                answer.Append(GenerationChunk.Final(GenerationCompletion.Failure(Workbench.Core.Library.LoadFailureAdvice.Explain(problem))));
                return;
            }

            var request = new GenerationRequest(Guid.NewGuid(), turns, sampling);
            var lastRender = time.GetTimestamp();
            var lastSave = lastRender;
            var waiting = (int ahead) =>
            {
                RequestsAhead = ahead;
                _ = NotifyAsync();
            };
            await foreach (var chunk in backend.GenerateAsync(request, CanLoadModels ? ModelPath : null, ContextSize, Settings.Load, waiting, cancellationToken))
            {
                RequestsAhead = 0;
                answer.Append(chunk);
                if (answer.Completion is not null)
                {
                    // Shown as finished only once saved (below), so a reload right after shows the same.
                    break;
                }

                if (time.GetElapsedTime(lastSave) >= SaveInterval)
                {
                    lastSave = time.GetTimestamp();
                    await PersistAsync(conversationId, id => store.UpdateAnswerAsync(id, position, answer.Text, null, incomplete: true));
                }

                if (time.GetElapsedTime(lastRender) >= RenderInterval)
                {
                    lastRender = time.GetTimestamp();
                    await NotifyAsync();
                }
            }

            if (answer.Completion is null)
            {
                answer.Append(GenerationChunk.Final(GenerationCompletion.Failure("The worker stopped answering.")));
            }
        }
        catch (OperationCanceledException)
        {
            answer.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, answer.TokenCount, 0, 0)));
        }
        finally
        {
            RequestsAhead = 0;
            answer.NoteRequest(sampling);
            // Saved whatever happened above, also after the session was disposed: nothing produced is lost.
            var saved = answer.ToSaved(position);
            await PersistAsync(conversationId, id => store.UpdateAnswerAsync(id, position, saved.Content, saved.Completion, saved.Incomplete));
        }
    }

    /// <summary>The conversation's sampling, with a fresh random seed unless the conversation keeps a fixed one.</summary>
    private SamplingSettings SamplingForNextAnswer() =>
        Settings.FixedSeed ? Settings.Sampling : Settings.Sampling with { Seed = (uint)Random.Shared.NextInt64(0, (long)uint.MaxValue + 1) };

    private async Task SaveConversationAsync(string firstMessage)
    {
        if (ConversationId is { } existing)
        {
            // The model and settings may have been picked without a save (e.g. from the library); keep them current.
            await PersistAsync(existing, id => store.UpdateSettingsAsync(id, Settings));
            return;
        }

        try
        {
            var conversation = await store.CreateAsync(Caller, ConversationTitle.FromFirstMessage(firstMessage), Settings);
            dataFolder?.Succeeded(Workbench.Web.Data.DataFolderWriter.Conversations);
            ConversationId = conversation.Id;
            Title = conversation.Title;
        }
        catch (SqliteException e)
        {
            CouldNotSave(e);
        }
    }

    private async Task<string?> PrepareModelAsync(CancellationToken cancellationToken)
    {
        // A guest chats with what is loaded, at whatever context it was loaded with.
        switch (backend.GetModelState(ModelPath, CanLoadModels ? ContextSize : null, CanLoadModels ? Settings.Load : null))
        {
            case ChatModelState.Ready:
                return null;
            case ChatModelState.NoWorker:
                Notice = "No worker is connected yet; the local worker may still be starting.";
                return Notice;
            case ChatModelState.NoModelChosen:
                Notice = "Choose a model to chat with.";
                return Notice;
        }

        if (!CanLoadModels)
        {
            Notice = "Only the owner can load a model. Chat with the one that is loaded, or ask the owner to load this one.";
            return Notice;
        }

        Notice = $"Loading {Path.GetFileName(ModelPath)}…";
        await NotifyAsync();
        try
        {
            Notice = await backend.LoadModelAsync(ModelPath!, ContextSize, Settings.Load, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stop pressed while loading: the worker stops too, so nothing claims to be loading any more.
            Notice = $"Stopped loading {Path.GetFileName(ModelPath)}.";
            throw;
        }

        return Notice;
    }

    private List<ChatTurn> ToTurns(IEnumerable<ChatMessage> messages)
    {
        List<ChatTurn> turns = Settings.SystemPrompt.Trim() is { Length: > 0 } system ? [new ChatTurn("system", system)] : [];
        turns.AddRange(messages
            .Where(m => m.Completion is null || m.Completion.Outcome != GenerationOutcome.Failed)
            .Where(m => m.Role != "assistant" || m.Text.Length > 0)
            .Select(m => new ChatTurn(m.Role, m.Text)));
        return turns;
    }

    private CancellationTokenSource BeginGeneration()
    {
        _generation = new CancellationTokenSource();
        return _generation;
    }

    private async Task EndGenerationAsync()
    {
        _generation = null;
        await NotifyAsync();
    }

    private async Task PersistAsync(Guid? conversationId, Func<Guid, Task> write)
    {
        if (conversationId is not { } id)
        {
            return;
        }

        try
        {
            await write(id);
            dataFolder?.Succeeded(Workbench.Web.Data.DataFolderWriter.Conversations);
        }
        catch (SqliteException e)
        {
            CouldNotSave(e);
        }
    }

    private void CouldNotSave(SqliteException e)
    {
        LogSaveFailed(logger, e);
        dataFolder?.Failed(Workbench.Web.Data.DataFolderWriter.Conversations, e);
        Notice = $"The conversation could not be saved: {e.Message}";
    }

    private Task NotifyAsync() => Changed?.Invoke() ?? Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _sends.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A chat conversation could not be saved.")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat conversation {ConversationId} could not be read.")]
    private static partial void LogOpenFailed(ILogger logger, Guid conversationId, Exception exception);
}
