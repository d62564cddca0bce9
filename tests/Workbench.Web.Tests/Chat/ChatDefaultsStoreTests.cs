using Microsoft.Extensions.Logging.Abstractions;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Chat;

/// <summary>The owner's defaults for new chats, on a real SQLite file.</summary>
public sealed class ChatDefaultsStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();

    [Fact]
    public async Task Without_saved_defaults_new_chats_keep_the_built_in_ones() =>
        Assert.Null(await new ChatDefaultsStore(_db.Database).GetAsync());

    [Fact]
    public async Task Saved_defaults_survive_a_restart_within_the_sampling_limits_and_without_a_model()
    {
        await new ChatDefaultsStore(_db.Database).SaveAsync(
            new ConversationSettings("Answer in French.", new SamplingSettings { Temperature = 9f, MaxTokens = 512, Seed = 7 }, "/m.gguf", FixedSeed: true, ContextSize: 8192));

        var afterRestart = await new ChatDefaultsStore(_db.Open()).GetAsync();

        Assert.Equal(
            new ConversationSettings("Answer in French.", SamplingLimits.Clamp(new SamplingSettings { Temperature = 9f, MaxTokens = 512, Seed = 7 }), null, FixedSeed: true),
            afterRestart);
    }

    [Fact]
    public void A_new_chat_starts_with_the_defaults_but_an_open_conversation_keeps_its_own()
    {
        var defaults = new ConversationSettings("Be brief.", new SamplingSettings { Temperature = 0.2f }, null);
        using var fresh = NewSession();
        fresh.ModelPath = "/m.gguf";

        fresh.UseDefaults(defaults);

        Assert.Equal(("Be brief.", 0.2f, "/m.gguf"), (fresh.Settings.SystemPrompt, fresh.Settings.Sampling.Temperature, fresh.ModelPath));
    }

    private ChatSession NewSession() =>
        new(new ScriptedChatBackend(), new ConversationStore(_db.Database, TimeProvider.System), TimeProvider.System, NullLogger<ChatSession>.Instance);

    public void Dispose() => _db.Dispose();
}
