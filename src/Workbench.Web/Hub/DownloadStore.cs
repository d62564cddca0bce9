using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Workbench.Core.Hub;
using Workbench.Web.Data;

namespace Workbench.Web.Hub;

/// <summary>Downloads kept in SQLite, so the unfinished ones resume after a restart.</summary>
public sealed class DownloadStore(WorkbenchDatabase database)
{
    /// <summary>Every download, newest first.</summary>
    public async Task<IReadOnlyList<DownloadRecord>> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, repo, revision, commit_sha, name, kind, files_json, target, destination, state, error, created_at, finished_at
            FROM downloads ORDER BY created_at DESC
            """;
        var records = new List<DownloadRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    /// <summary>Adds or updates a download.</summary>
    public async Task SaveAsync(DownloadRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO downloads (id, repo, revision, commit_sha, name, kind, files_json, target, destination, state, error, created_at, finished_at)
            VALUES ($id, $repo, $rev, $commit, $name, $kind, $files, $target, $dest, $state, $error, $created, $finished)
            """;
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$repo", record.Repo);
        command.Parameters.AddWithValue("$rev", record.Revision);
        command.Parameters.AddWithValue("$commit", record.Commit);
        command.Parameters.AddWithValue("$name", record.Name);
        command.Parameters.AddWithValue("$kind", record.Kind.ToString());
        command.Parameters.AddWithValue("$files", JsonSerializer.Serialize(record.Files));
        command.Parameters.AddWithValue("$target", record.Target);
        command.Parameters.AddWithValue("$dest", record.Destination);
        command.Parameters.AddWithValue("$state", record.State.ToString());
        command.Parameters.AddWithValue("$error", (object?)record.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$finished", record.FinishedAt is { } f ? f.ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DownloadRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        Enum.Parse<HubFileSetKind>(r.GetString(5)),
        JsonSerializer.Deserialize<List<DownloadFile>>(r.GetString(6)) ?? [],
        r.GetString(7),
        r.GetString(8),
        Enum.Parse<DownloadState>(r.GetString(9)),
        r.IsDBNull(10) ? null : r.GetString(10),
        DateTimeOffset.Parse(r.GetString(11), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        r.IsDBNull(12) ? null : DateTimeOffset.Parse(r.GetString(12), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}
