using Microsoft.Data.Sqlite;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;
using Workbench.Web.Data;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Chat;

/// <summary>The conversation tables arrive as a new schema step on a database that already has data.</summary>
public sealed class ConversationSchemaTests : IDisposable
{
    private readonly TempDatabase _db = new();

    [Fact]
    public async Task A_database_from_before_conversations_keeps_its_models_and_gains_the_conversation_tables()
    {
        // A database as the previous release left it: only the first step ran, and it indexed a model.
        await using (var old = new SqliteConnection($"Data Source={_db.Database.FilePath}"))
        {
            await old.OpenAsync();
            await using var command = old.CreateCommand();
            command.CommandText = SchemaMigrations.All[0] + """
                INSERT INTO models VALUES ('m1', '/models/a.gguf', 'fp', '{}', '2026-01-01');
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = new ConversationStore(_db.Database, TimeProvider.System);
        var conversation = await store.CreateAsync(ConversationCaller.LocalOwner, "after the upgrade", ConversationSettings.Default);

        Assert.Equal(1L, await _db.ScalarAsync("SELECT COUNT(*) FROM models"));
        Assert.Equal((long)SchemaMigrations.All.Count, await _db.ScalarAsync("PRAGMA user_version"));
        Assert.Equal([conversation.Id], (await store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Id));
    }

    [Fact]
    public async Task Conversations_saved_before_they_had_owners_belong_to_the_owner_after_the_upgrade()
    {
        // A database as the release before owners left it: four steps ran and a conversation was saved.
        await using (var old = new SqliteConnection($"Data Source={_db.Database.FilePath}"))
        {
            await old.OpenAsync();
            await using var command = old.CreateCommand();
            command.CommandText = string.Concat(SchemaMigrations.All.Take(4)) + """
                INSERT INTO conversations VALUES ('0f8fad5b-d9cb-469f-a165-70867728950e', 'old chat', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '', '{}', NULL);
                PRAGMA user_version = 4;
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = new ConversationStore(_db.Database, TimeProvider.System);
        var guest = new ConversationCaller("a-guest-token", SeesAll: false);

        Assert.Equal("local", await _db.ScalarAsync("SELECT owner FROM conversations"));
        Assert.Equal(["old chat"], (await store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Title));
        Assert.Empty(await store.ListAsync(guest));
        Assert.Null(await store.GetAsync(guest, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")));
    }

    public void Dispose() => _db.Dispose();
}
