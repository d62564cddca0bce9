using System.Globalization;
using Workbench.Web.Data;

namespace Workbench.Web.Hub;

/// <summary>
/// What was read of hub files, kept in SQLite by repository, commit, path and kind: a commit never changes, so an
/// entry stays right for as long as it is kept. The oldest entries go once there are more than <see cref="MaxEntries"/>.
/// </summary>
public sealed class HubReadCache(WorkbenchDatabase database, TimeProvider time)
{
    /// <summary>Entries kept at most.</summary>
    public const int MaxEntries = 20_000;

    /// <summary>The stored bytes for a file of <paramref name="size"/> bytes, or null.</summary>
    public async Task<byte[]?> FindAsync(string repo, string commit, string path, string kind, long size, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content FROM hub_file_reads WHERE repo = $repo AND revision = $rev AND path = $path AND kind = $kind AND size = $size";
        command.Parameters.AddWithValue("$repo", repo);
        command.Parameters.AddWithValue("$rev", commit);
        command.Parameters.AddWithValue("$path", path);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$size", size);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    /// <summary>Keeps <paramref name="content"/> for the file.</summary>
    public async Task StoreAsync(string repo, string commit, string path, string kind, long size, byte[] content, long bytesRead, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO hub_file_reads (repo, revision, path, size, kind, content, bytes_read, read_at)
            VALUES ($repo, $rev, $path, $size, $kind, $content, $read, $at);
            DELETE FROM hub_file_reads WHERE rowid IN
                (SELECT rowid FROM hub_file_reads ORDER BY read_at DESC LIMIT -1 OFFSET $max);
            """;
        command.Parameters.AddWithValue("$repo", repo);
        command.Parameters.AddWithValue("$rev", commit);
        command.Parameters.AddWithValue("$path", path);
        command.Parameters.AddWithValue("$size", size);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$content", content);
        command.Parameters.AddWithValue("$read", bytesRead);
        command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$max", MaxEntries);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
