using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Tests.Data;

/// <summary>Start-up on real SQLite files damaged on purpose.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DatabaseRepairTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("workbench-repair-");

    private string DatabaseFile => Path.Combine(_folder.FullName, "workbench.db");

    [Fact]
    public async Task Damage_in_the_model_index_only_keeps_every_conversation_and_empties_the_index()
    {
        var conversation = await SeedAsync(modelRows: 300);
        CorruptRootPageOf("models");

        var database = Open();
        var transcript = await new ConversationStore(database, TimeProvider.System).GetAsync(ConversationCaller.LocalOwner, conversation);

        Assert.NotNull(transcript);
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM models"));
        Assert.Contains("in the model index only", database.RepairNotice, StringComparison.Ordinal);
        var kept = Assert.Single(Directory.GetFiles(_folder.FullName, "workbench.db.damaged-*"));
        Assert.Contains(kept, database.RepairNotice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damage_in_the_conversations_moves_the_file_aside_and_names_the_backup_to_restore()
    {
        await SeedAsync(modelRows: 10, conversations: 200);
        var seeded = Open();
        await using (var connection = await seeded.OpenAsync())
        {
            seeded.Backups.Create(connection, DateTimeOffset.UtcNow);
        }

        CorruptRootPageOf("messages");

        var database = Open();
        var conversations = await new ConversationStore(database, TimeProvider.System).ListAsync(ConversationCaller.LocalOwner);

        Assert.Empty(conversations);
        var aside = Assert.Single(Directory.GetFiles(_folder.FullName, "workbench.db.damaged-*"));
        Assert.Contains($"was moved to {aside}", database.RepairNotice, StringComparison.Ordinal);
        Assert.Contains($"copy {database.Backups.Newest()} to {DatabaseFile}", database.RepairNotice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_moved_aside_not_fatal()
    {
        await File.WriteAllBytesAsync(DatabaseFile, Enumerable.Repeat((byte)0x5A, 8192).ToArray());

        var database = Open();
        await using var connection = await database.OpenAsync();

        Assert.Contains("was moved to", database.RepairNotice, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder.FullName, "workbench.db.damaged-*"));
    }

    [Fact]
    public async Task An_empty_file_where_a_backup_exists_is_reported_not_silently_used()
    {
        await SeedAsync(modelRows: 1);
        var seeded = Open();
        await using (var connection = await seeded.OpenAsync())
        {
            seeded.Backups.Create(connection, DateTimeOffset.UtcNow);
        }

        SqliteConnection.ClearAllPools();
        File.Delete(DatabaseFile + "-wal");
        File.Delete(DatabaseFile + "-shm");
        await File.WriteAllBytesAsync(DatabaseFile, []);

        var database = Open();
        await using var reopened = await database.OpenAsync();

        Assert.StartsWith($"{DatabaseFile} was empty (0 bytes) although backups exist", database.RepairNotice, StringComparison.Ordinal);
        Assert.Contains($"copy {database.Backups.Newest()} to {DatabaseFile}", database.RepairNotice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_database_starts_without_a_notice_and_its_files_are_private()
    {
        await SeedAsync(modelRows: 1);

        var database = Open();
        await using var connection = await database.OpenAsync();

        Assert.Null(database.RepairNotice);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabaseFile));
    }

    [Fact]
    public async Task Backups_are_readable_copies_and_only_the_newest_three_are_kept()
    {
        var conversation = await SeedAsync(modelRows: 1);
        var database = Open();
        await using (var connection = await database.OpenAsync())
        {
            for (var day = 0; day < 5; day++)
            {
                database.Backups.Create(connection, new DateTimeOffset(2026, 12, 1 + day, 3, 0, 0, TimeSpan.Zero));
            }
        }

        var backups = database.Backups.All();
        Assert.Equal(3, backups.Count);
        Assert.EndsWith("workbench-20261205-030000.db", backups[0], StringComparison.Ordinal);
        await using var copy = new SqliteConnection($"Data Source={backups[0]};Pooling=false;Mode=ReadOnly");
        await copy.OpenAsync();
        await using var query = copy.CreateCommand();
        query.CommandText = "SELECT count(*) FROM conversations WHERE id = $id";
        query.Parameters.AddWithValue("$id", conversation.ToString());
        Assert.Equal(1L, await query.ExecuteScalarAsync());
    }

    private WorkbenchDatabase Open() => new(Options.Create(new WorkbenchOptions { DataDirectory = _folder.FullName }));

    /// <summary>A database with conversations and a model index big enough to span many pages; returns one conversation's id.</summary>
    private async Task<Guid> SeedAsync(int modelRows, int conversations = 1)
    {
        var database = Open();
        var store = new ConversationStore(database, TimeProvider.System);
        var first = Guid.Empty;
        for (var i = 0; i < conversations; i++)
        {
            var created = await store.CreateAsync(ConversationCaller.LocalOwner, $"chat {i}", ConversationSettings.Default);
            await store.SaveMessageAsync(created.Id, new ConversationMessage(0, "user", new string('q', 300), null, false));
            first = first == Guid.Empty ? created.Id : first;
        }

        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
            INSERT INTO models SELECT 'm' || i, '/models/' || i, 'f', hex(randomblob(500)), '2026-01-01' FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        command.Parameters.AddWithValue("$rows", modelRows);
        await command.ExecuteNonQueryAsync();
        return first;
    }

    /// <summary>Overwrites the first page of <paramref name="table"/>'s b-tree with garbage, as a bad sector would.</summary>
    private void CorruptRootPageOf(string table)
    {
        long page;
        long pageSize;
        using (var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = $table";
            command.Parameters.AddWithValue("$table", table);
            page = (long)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA page_size";
            pageSize = (long)command.ExecuteScalar()!;
        }

        SqliteConnection.ClearAllPools();
        using var file = new FileStream(DatabaseFile, FileMode.Open, FileAccess.Write);
        file.Position = (page - 1) * pageSize;
        file.Write(Enumerable.Repeat((byte)0xA5, (int)pageSize).ToArray());
    }

    private static async Task<object?> ScalarAsync(WorkbenchDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
