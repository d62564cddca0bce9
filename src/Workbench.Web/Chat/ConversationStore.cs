using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Data;

namespace Workbench.Web.Chat;

/// <summary>
/// Saved conversations and their messages in SQLite. Every write is one transaction, so a crash leaves
/// either the old or the new state; deleting a conversation deletes its messages with it.
/// Each conversation has an owner: listing, reading, renaming and deleting take the caller and find only
/// what the caller may see. The message writes take an id the caller got from those (a chat session's own).
/// </summary>
public sealed partial class ConversationStore(WorkbenchDatabase database, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Raised after a conversation was created, renamed, deleted, re-set or got a message (not on streaming updates).</summary>
    public event Action? Changed;

    /// <summary>Starts a conversation with no messages.</summary>
    public async Task<Conversation> CreateAsync(ConversationCaller caller, string title, ConversationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var validTitle = ValidTitle(title);
        var now = time.GetUtcNow();
        var conversation = new Conversation(Guid.NewGuid(), validTitle, now, now, settings);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO conversations (id, title, created_at, updated_at, system_prompt, sampling_json, model_path, fixed_seed, context_size, load_json, owner)
                VALUES ($id, $title, $now, $now, $system, $sampling, $model, $fixedSeed, $contextSize, $load, $owner)
                """;
            insert.Parameters.AddWithValue("$owner", caller.Id);
            insert.Parameters.AddWithValue("$id", Key(conversation.Id));
            insert.Parameters.AddWithValue("$title", validTitle);
            insert.Parameters.AddWithValue("$now", Text(now));
            AddSettings(insert, settings);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        Changed?.Invoke();
        return conversation;
    }

    /// <summary>Every conversation the caller may see, the most recently updated first.</summary>
    public async Task<IReadOnlyList<Conversation>> ListAsync(ConversationCaller caller, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"{SelectConversation} WHERE {Visible} ORDER BY updated_at DESC, created_at DESC";
        AddCaller(command, caller);
        var conversations = new List<Conversation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conversations.Add(ReadConversation(reader));
        }

        return conversations;
    }

    /// <summary>
    /// The conversations the caller may see whose title or messages contain <paramref name="text"/> (case-insensitive
    /// for ASCII letters), the most recently updated first; every visible one for an empty text. Earlier answers and
    /// branches not shown are searched too: what was once said is found wherever it waits.
    /// </summary>
    public async Task<IReadOnlyList<Conversation>> SearchAsync(ConversationCaller caller, string? text, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return await ListAsync(caller, cancellationToken);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            {SelectConversation} WHERE {Visible} AND (title LIKE $pattern ESCAPE '!'
                OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.content LIKE $pattern ESCAPE '!')
                OR EXISTS (SELECT 1 FROM answer_versions v WHERE v.conversation_id = conversations.id AND v.content LIKE $pattern ESCAPE '!')
                OR EXISTS (SELECT 1 FROM message_branches b, json_each(b.messages_json) j
                           WHERE b.conversation_id = conversations.id AND json_valid(b.messages_json)
                             AND json_extract(j.value, '$.content') LIKE $pattern ESCAPE '!'))
            ORDER BY updated_at DESC, created_at DESC
            """;
        AddCaller(command, caller);
        command.Parameters.AddWithValue("$pattern", "%" + EscapeLike(text.Trim()) + "%");
        var conversations = new List<Conversation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conversations.Add(ReadConversation(reader));
        }

        return conversations;
    }

    // '!' escapes LIKE's wildcards, so "50%" finds "50%" rather than everything starting with 50.
    private static string EscapeLike(string text) =>
        text.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);

    /// <summary>One conversation with its messages in order, or null when there is none with that id the caller may see.</summary>
    public async Task<ConversationTranscript?> GetAsync(ConversationCaller caller, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        Conversation conversation;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"{SelectConversation} WHERE id = $id AND {Visible}";
            command.Parameters.AddWithValue("$id", Key(id));
            AddCaller(command, caller);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            conversation = ReadConversation(reader);
        }

        var messages = await ReadMessagesAsync(connection, transaction, id, 0, cancellationToken);
        return new ConversationTranscript(conversation, messages);
    }

    /// <summary>Gives a conversation a new title; false when there is no such conversation the caller may see.</summary>
    /// <exception cref="ArgumentException">The title is empty or longer than <see cref="ConversationTitle.MaxLength"/>.</exception>
    public async Task<bool> RenameAsync(ConversationCaller caller, Guid id, string title, CancellationToken cancellationToken = default)
    {
        var validTitle = ValidTitle(title);
        var renamed = await ExecuteAsync(
            $"UPDATE conversations SET title = $title WHERE id = $id AND {Visible}",
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(id));
                command.Parameters.AddWithValue("$title", validTitle);
                AddCaller(command, caller);
            },
            cancellationToken);
        return NotifyIf(renamed > 0);
    }

    /// <summary>Deletes a conversation and its messages; false when there is no such conversation the caller may see.</summary>
    public async Task<bool> DeleteAsync(ConversationCaller caller, Guid id, CancellationToken cancellationToken = default)
    {
        var deleted = await ExecuteAsync(
            $"DELETE FROM conversations WHERE id = $id AND {Visible}",
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(id));
                AddCaller(command, caller);
            },
            cancellationToken);
        return NotifyIf(deleted > 0);
    }

    /// <summary>Saves a conversation's system prompt, sampling settings and model.</summary>
    public async Task UpdateSettingsAsync(Guid id, ConversationSettings settings, CancellationToken cancellationToken = default)
    {
        var updated = await ExecuteAsync(
            """
            UPDATE conversations SET system_prompt = $system, sampling_json = $sampling, model_path = $model, fixed_seed = $fixedSeed, context_size = $contextSize, load_json = $load, updated_at = $now
            WHERE id = $id
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(id));
                command.Parameters.AddWithValue("$now", Text(time.GetUtcNow()));
                AddSettings(command, settings);
            },
            cancellationToken);
        NotifyIf(updated > 0);
    }

    /// <summary>Saves a message at its position (replacing one there) and marks the conversation updated.</summary>
    public async Task SaveMessageAsync(Guid conversationId, ConversationMessage message, CancellationToken cancellationToken = default)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var transaction = connection.BeginTransaction();
            await using (var upsert = connection.CreateCommand())
            {
                upsert.Transaction = transaction;
                upsert.CommandText = """
                    INSERT INTO messages (conversation_id, position, role, content, completion_json, incomplete, version, branch)
                    VALUES ($id, $position, $role, $content, $completion, $incomplete, $version, $branch)
                    ON CONFLICT (conversation_id, position) DO UPDATE
                    SET role = $role, content = $content, completion_json = $completion, incomplete = $incomplete, version = $version, branch = $branch
                    """;
                AddMessage(upsert, conversationId, message);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            await TouchAsync(connection, transaction, conversationId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Updates the text and ending of a saved answer while it streams or when it ends. Cheap enough to call
    /// about once a second; it does not raise <see cref="Changed"/>.
    /// </summary>
    public async Task UpdateAnswerAsync(
        Guid conversationId,
        int position,
        string content,
        GenerationCompletion? completion,
        bool incomplete,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE messages SET content = $content, completion_json = $completion, incomplete = $incomplete
                WHERE conversation_id = $id AND position = $position
                """;
            update.Parameters.AddWithValue("$id", Key(conversationId));
            update.Parameters.AddWithValue("$position", position);
            AddAnswer(update, content, completion, incomplete);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await TouchAsync(connection, transaction, conversationId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps the answer saved at <paramref name="position"/> as another version, before a new answer to the same
    /// question is saved there (with a higher <see cref="ConversationMessage.Version"/>).
    /// </summary>
    public async Task KeepAsOtherVersionAsync(Guid conversationId, int position, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            """
            INSERT OR REPLACE INTO answer_versions (conversation_id, position, version, content, completion_json)
            SELECT conversation_id, position, version, content, completion_json FROM messages
            WHERE conversation_id = $id AND position = $position AND role = 'assistant'
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(conversationId));
                command.Parameters.AddWithValue("$position", position);
            },
            cancellationToken);

    /// <summary>
    /// Shows another version of the answer at <paramref name="position"/>: the one shown so far becomes another version
    /// and <paramref name="version"/> takes its place, in one transaction. False when there is no such version.
    /// </summary>
    public async Task<bool> ShowVersionAsync(Guid conversationId, int position, int version, CancellationToken cancellationToken = default)
    {
        var changed = await ExecuteAsync(
            """
            INSERT OR REPLACE INTO answer_versions (conversation_id, position, version, content, completion_json)
            SELECT conversation_id, position, version, content, completion_json FROM messages
            WHERE conversation_id = $id AND position = $position AND version <> $version
              AND EXISTS (SELECT 1 FROM answer_versions WHERE conversation_id = $id AND position = $position AND version = $version);
            UPDATE messages SET
                content = (SELECT content FROM answer_versions WHERE conversation_id = $id AND position = $position AND version = $version),
                completion_json = (SELECT completion_json FROM answer_versions WHERE conversation_id = $id AND position = $position AND version = $version),
                incomplete = 0,
                version = $version
            WHERE conversation_id = $id AND position = $position AND version <> $version
              AND EXISTS (SELECT 1 FROM answer_versions WHERE conversation_id = $id AND position = $position AND version = $version);
            DELETE FROM answer_versions WHERE conversation_id = $id AND position = $position AND version = $version
              AND EXISTS (SELECT 1 FROM messages WHERE conversation_id = $id AND position = $position AND version = $version);
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(conversationId));
                command.Parameters.AddWithValue("$position", position);
                command.Parameters.AddWithValue("$version", version);
            },
            cancellationToken);
        return NotifyIf(changed > 0);
    }

    /// <summary>Removes the messages (and their other versions and branches) from <paramref name="position"/> on.</summary>
    public async Task RemoveMessagesFromAsync(Guid conversationId, int position, CancellationToken cancellationToken = default)
    {
        var removed = await ExecuteAsync(
            """
            DELETE FROM answer_versions WHERE conversation_id = $id AND position >= $position;
            DELETE FROM message_branches WHERE conversation_id = $id AND position >= $position;
            DELETE FROM messages WHERE conversation_id = $id AND position >= $position
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", Key(conversationId));
                command.Parameters.AddWithValue("$position", position);
            },
            cancellationToken);
        NotifyIf(removed > 0);
    }

    private static void AddMessage(SqliteCommand command, Guid conversationId, ConversationMessage message)
    {
        command.Parameters.AddWithValue("$id", Key(conversationId));
        command.Parameters.AddWithValue("$position", message.Position);
        command.Parameters.AddWithValue("$role", message.Role);
        command.Parameters.AddWithValue("$version", message.Version);
        command.Parameters.AddWithValue("$branch", message.Branch);
        AddAnswer(command, message.Content, message.Completion, message.Incomplete);
    }

    // The owner sees every conversation, anyone else only their own.
    private const string Visible = "($seesAll OR owner = $caller)";

    private static void AddCaller(SqliteCommand command, ConversationCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        command.Parameters.AddWithValue("$caller", caller.Id);
        command.Parameters.AddWithValue("$seesAll", caller.SeesAll);
    }

    private const string SelectConversation =
        "SELECT id, title, created_at, updated_at, system_prompt, sampling_json, model_path, fixed_seed, context_size, load_json FROM conversations";

    private static Conversation ReadConversation(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(1),
        DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
        DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
        new ConversationSettings(
            reader.GetString(4),
            JsonSerializer.Deserialize<SamplingSettings>(reader.GetString(5), Json) ?? ConversationSettings.ChatSampling,
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.GetBoolean(7),
            reader.IsDBNull(8) ? null : reader.GetInt32(8),
            reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<LoadOverrides>(reader.GetString(9), Json)));

    private static GenerationCompletion? ReadCompletion(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<GenerationCompletion>(reader.GetString(ordinal), Json);

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        var rows = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private async Task TouchAsync(SqliteConnection connection, SqliteTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var touch = connection.CreateCommand();
        touch.Transaction = transaction;
        touch.CommandText = "UPDATE conversations SET updated_at = $now WHERE id = $id";
        touch.Parameters.AddWithValue("$id", Key(id));
        touch.Parameters.AddWithValue("$now", Text(time.GetUtcNow()));
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    private bool NotifyIf(bool changed)
    {
        if (changed)
        {
            Changed?.Invoke();
        }

        return changed;
    }

    private static string ValidTitle(string title) =>
        ConversationTitle.Problem(title) is { } problem ? throw new ArgumentException(problem, nameof(title)) : title.Trim();

    private static void AddSettings(SqliteCommand command, ConversationSettings settings)
    {
        command.Parameters.AddWithValue("$system", settings.SystemPrompt);
        command.Parameters.AddWithValue("$sampling", JsonSerializer.Serialize(settings.Sampling, Json));
        command.Parameters.AddWithValue("$model", (object?)settings.ModelPath ?? DBNull.Value);
        command.Parameters.AddWithValue("$fixedSeed", settings.FixedSeed);
        command.Parameters.AddWithValue("$contextSize", (object?)settings.ContextSize ?? DBNull.Value);
        command.Parameters.AddWithValue("$load", settings.Load is { IsNone: false } load ? JsonSerializer.Serialize(load, Json) : DBNull.Value);
    }

    private static void AddAnswer(SqliteCommand command, string content, GenerationCompletion? completion, bool incomplete)
    {
        command.Parameters.AddWithValue("$content", content);
        command.Parameters.AddWithValue("$completion", completion is null ? DBNull.Value : JsonSerializer.Serialize(completion, Json));
        command.Parameters.AddWithValue("$incomplete", incomplete);
    }

    private static string Key(Guid id) => id.ToString("D");

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
