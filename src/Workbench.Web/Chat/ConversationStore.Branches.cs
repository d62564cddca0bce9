using System.Text.Json;
using Microsoft.Data.Sqlite;
using Workbench.Core.Conversations;

namespace Workbench.Web.Chat;

/// <summary>
/// Branches of a conversation: editing a user message keeps that message and everything after it as one
/// <c>message_branches</c> row (JSON), so paging back restores it exactly, its own versions and branches included.
/// </summary>
public sealed partial class ConversationStore
{
    /// <summary>
    /// Starts a branch at <paramref name="edited"/>'s position: the user message there and everything after it are kept
    /// as another branch of that message, and <paramref name="edited"/> (with a new <see cref="ConversationMessage.Branch"/>)
    /// takes their place as the last message, in one transaction.
    /// </summary>
    public async Task BranchAsync(Guid conversationId, ConversationMessage edited, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edited);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var transaction = connection.BeginTransaction();
            await KeepTailAsBranchAsync(connection, transaction, conversationId, edited.Position, cancellationToken);
            await WriteMessagesAsync(connection, transaction, conversationId, [edited with { OtherBranches = [] }], cancellationToken);
            await TouchAsync(connection, transaction, conversationId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Shows another branch of the user message at <paramref name="position"/>: the branch shown so far (that message and
    /// everything after it) is kept and <paramref name="branch"/> takes its place, in one transaction. False when there is no such branch.
    /// </summary>
    public async Task<bool> ShowBranchAsync(Guid conversationId, int position, int branch, CancellationToken cancellationToken = default)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var transaction = connection.BeginTransaction();
            string? json;
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT messages_json FROM message_branches WHERE conversation_id = $id AND position = $position AND branch = $branch";
                read.Parameters.AddWithValue("$id", Key(conversationId));
                read.Parameters.AddWithValue("$position", position);
                read.Parameters.AddWithValue("$branch", branch);
                json = await read.ExecuteScalarAsync(cancellationToken) as string;
            }

            if (json is null)
            {
                return false;
            }

            await KeepTailAsBranchAsync(connection, transaction, conversationId, position, cancellationToken);
            await using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM message_branches WHERE conversation_id = $id AND position = $position AND branch = $branch";
                delete.Parameters.AddWithValue("$id", Key(conversationId));
                delete.Parameters.AddWithValue("$position", position);
                delete.Parameters.AddWithValue("$branch", branch);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await WriteMessagesAsync(connection, transaction, conversationId, ReadBranch(json), cancellationToken);
            await TouchAsync(connection, transaction, conversationId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Changed?.Invoke();
        return true;
    }

    // Moves the messages from position on into one message_branches row under the branch number of the message there.
    // The other branches of that message stay rows of their own; those of later messages travel inside the row.
    private static async Task KeepTailAsBranchAsync(
        SqliteConnection connection, SqliteTransaction transaction, Guid conversationId, int position, CancellationToken cancellationToken)
    {
        var tail = await ReadMessagesAsync(connection, transaction, conversationId, position, cancellationToken);
        if (tail.Count > 0 && tail[0].Position == position)
        {
            List<ConversationMessage> kept = [tail[0] with { OtherBranches = [] }, .. tail.Skip(1)];
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR REPLACE INTO message_branches (conversation_id, position, branch, messages_json)
                VALUES ($id, $position, $branch, $json)
                """;
            insert.Parameters.AddWithValue("$id", Key(conversationId));
            insert.Parameters.AddWithValue("$position", position);
            insert.Parameters.AddWithValue("$branch", tail[0].Branch);
            insert.Parameters.AddWithValue("$json", JsonSerializer.Serialize(kept, Json));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM answer_versions WHERE conversation_id = $id AND position >= $position;
            DELETE FROM message_branches WHERE conversation_id = $id AND position > $position;
            DELETE FROM messages WHERE conversation_id = $id AND position >= $position
            """;
        delete.Parameters.AddWithValue("$id", Key(conversationId));
        delete.Parameters.AddWithValue("$position", position);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<ConversationMessage> ReadBranch(string json) =>
        JsonSerializer.Deserialize<List<ConversationMessage>>(json, Json) ?? [];

    // The messages from position on, each with its other answer versions and other branches.
    private static async Task<List<ConversationMessage>> ReadMessagesAsync(
        SqliteConnection connection, SqliteTransaction transaction, Guid id, int fromPosition, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<int, List<AnswerVersion>>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT position, version, content, completion_json FROM answer_versions
                WHERE conversation_id = $id AND position >= $from ORDER BY position, version
                """;
            command.Parameters.AddWithValue("$id", Key(id));
            command.Parameters.AddWithValue("$from", fromPosition);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(versions, reader.GetInt32(0), new AnswerVersion(reader.GetInt32(1), reader.GetString(2), ReadCompletion(reader, 3)));
            }
        }

        var branches = new Dictionary<int, List<MessageBranch>>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT position, branch, messages_json FROM message_branches
                WHERE conversation_id = $id AND position >= $from ORDER BY position, branch
                """;
            command.Parameters.AddWithValue("$id", Key(id));
            command.Parameters.AddWithValue("$from", fromPosition);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(branches, reader.GetInt32(0), new MessageBranch(reader.GetInt32(1), ReadBranch(reader.GetString(2))));
            }
        }

        var messages = new List<ConversationMessage>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT position, role, content, completion_json, incomplete, version, branch FROM messages
                WHERE conversation_id = $id AND position >= $from ORDER BY position
                """;
            command.Parameters.AddWithValue("$id", Key(id));
            command.Parameters.AddWithValue("$from", fromPosition);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var position = reader.GetInt32(0);
                messages.Add(new ConversationMessage(
                    position,
                    reader.GetString(1),
                    reader.GetString(2),
                    ReadCompletion(reader, 3),
                    reader.GetBoolean(4))
                {
                    Version = reader.GetInt32(5),
                    OtherVersions = versions.GetValueOrDefault(position) ?? [],
                    Branch = reader.GetInt32(6),
                    OtherBranches = branches.GetValueOrDefault(position) ?? [],
                });
            }
        }

        return messages;
    }

    private static void Add<T>(Dictionary<int, List<T>> byPosition, int position, T item)
    {
        if (!byPosition.TryGetValue(position, out var list))
        {
            byPosition[position] = list = [];
        }

        list.Add(item);
    }

    // Writes messages with their other answer versions and other branches (the reverse of ReadMessagesAsync).
    private static async Task WriteMessagesAsync(
        SqliteConnection connection, SqliteTransaction transaction, Guid id, IEnumerable<ConversationMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR REPLACE INTO messages (conversation_id, position, role, content, completion_json, incomplete, version, branch)
                    VALUES ($id, $position, $role, $content, $completion, $incomplete, $version, $branch)
                    """;
                AddMessage(insert, id, message);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var version in message.OtherVersions)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR REPLACE INTO answer_versions (conversation_id, position, version, content, completion_json)
                    VALUES ($id, $position, $version, $content, $completion)
                    """;
                insert.Parameters.AddWithValue("$id", Key(id));
                insert.Parameters.AddWithValue("$position", message.Position);
                insert.Parameters.AddWithValue("$version", version.Version);
                AddAnswer(insert, version.Content, version.Completion, incomplete: false);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var branch in message.OtherBranches)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR REPLACE INTO message_branches (conversation_id, position, branch, messages_json)
                    VALUES ($id, $position, $branch, $json)
                    """;
                insert.Parameters.AddWithValue("$id", Key(id));
                insert.Parameters.AddWithValue("$position", message.Position);
                insert.Parameters.AddWithValue("$branch", branch.Branch);
                insert.Parameters.AddWithValue("$json", JsonSerializer.Serialize(branch.Messages, Json));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
