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
        var conversation = await store.CreateAsync("after the upgrade", ConversationSettings.Default);

        Assert.Equal(1L, await _db.ScalarAsync("SELECT COUNT(*) FROM models"));
        Assert.Equal((long)SchemaMigrations.All.Count, await _db.ScalarAsync("PRAGMA user_version"));
        Assert.Equal([conversation.Id], (await store.ListAsync()).Select(c => c.Id));
    }

    public void Dispose() => _db.Dispose();
}
