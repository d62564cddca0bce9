using System.Globalization;
using Workbench.Web.Data;

namespace Workbench.Web.Library;

/// <summary>The model folders the owner added on the settings page (beside those in configuration).</summary>
public sealed class ModelRootStore(WorkbenchDatabase database, TimeProvider time)
{
    /// <summary>The added folders, in the order they were added.</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT path FROM model_roots ORDER BY added_at, path";
        var roots = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            roots.Add(reader.GetString(0));
        }

        return roots;
    }

    /// <summary>Adds a folder; adding one that is already there changes nothing.</summary>
    public async Task AddAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO model_roots (path, added_at) VALUES ($path, $added)";
        command.Parameters.AddWithValue("$path", path);
        command.Parameters.AddWithValue("$added", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes a folder; answers whether it was there.</summary>
    public async Task<bool> RemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM model_roots WHERE path = $path";
        command.Parameters.AddWithValue("$path", path);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
