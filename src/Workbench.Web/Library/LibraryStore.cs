using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Core.Library;
using Workbench.Web.Data;

namespace Workbench.Web.Library;

/// <summary>The model index in SQLite: one row per model, with the fingerprint of its files so unchanged models are not parsed again.</summary>
public sealed class LibraryStore(WorkbenchDatabase database, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Every indexed model.</summary>
    public async Task<IReadOnlyList<ModelDescriptor>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT descriptor_json FROM models ORDER BY primary_path";
        var models = new List<ModelDescriptor>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (JsonSerializer.Deserialize<ModelDescriptor>(reader.GetString(0), Json) is { } model)
            {
                models.Add(model);
            }
        }

        return models;
    }

    /// <summary>Fingerprints by model id, to tell which candidates changed since the last scan.</summary>
    public async Task<IReadOnlyDictionary<string, string>> LoadFingerprintsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, fingerprint FROM models";
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            fingerprints[reader.GetString(0)] = reader.GetString(1);
        }

        return fingerprints;
    }

    /// <summary>Writes the models of one scan and drops those no longer found, in one transaction.</summary>
    public async Task SaveScanAsync(IReadOnlyCollection<ModelDescriptor> changed, IReadOnlySet<string> stillPresent, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        var scannedAt = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var model in changed)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO models (id, primary_path, fingerprint, descriptor_json, scanned_at)
                VALUES ($id, $path, $fingerprint, $json, $at)
                ON CONFLICT (id) DO UPDATE SET primary_path = $path, fingerprint = $fingerprint, descriptor_json = $json, scanned_at = $at
                """;
            upsert.Parameters.AddWithValue("$id", model.Id);
            upsert.Parameters.AddWithValue("$path", model.PrimaryPath);
            upsert.Parameters.AddWithValue("$fingerprint", model.Fingerprint ?? string.Empty);
            upsert.Parameters.AddWithValue("$json", JsonSerializer.Serialize(model, Json));
            upsert.Parameters.AddWithValue("$at", scannedAt);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var gone = new List<string>();
        await using (var ids = connection.CreateCommand())
        {
            ids.Transaction = transaction;
            ids.CommandText = "SELECT id FROM models";
            await using var reader = await ids.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!stillPresent.Contains(reader.GetString(0)))
                {
                    gone.Add(reader.GetString(0));
                }
            }
        }

        foreach (var id in gone)
        {
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM models WHERE id = $id";
            delete.Parameters.AddWithValue("$id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
