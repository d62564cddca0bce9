using System.Globalization;
using Workbench.Web.Data;

namespace Workbench.Web.Estimation;

/// <summary>The last measured load of each model, kept in SQLite so corrections survive a restart.</summary>
public sealed class LoadMeasurementStore(WorkbenchDatabase database)
{
    /// <summary>Every stored measurement.</summary>
    public async Task<IReadOnlyList<MeasuredLoad>> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT model_id, fingerprint, measured_at, context_size, micro_batch, flash_attention,
                   estimated_weights, measured_weights, estimated_kv_cache, measured_kv_cache, estimated_compute, measured_compute
            FROM load_measurements
            """;
        var loads = new List<MeasuredLoad>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            loads.Add(new MeasuredLoad(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetInt64(5) != 0,
                new LoadParts(reader.GetInt64(6), reader.GetInt64(8), reader.GetInt64(10)),
                new LoadParts(reader.GetInt64(7), reader.GetInt64(9), reader.GetInt64(11))));
        }

        return loads;
    }

    /// <summary>Keeps <paramref name="load"/> as the model's last measurement, replacing an older one.</summary>
    public async Task SaveAsync(MeasuredLoad load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO load_measurements
                (model_id, fingerprint, measured_at, context_size, micro_batch, flash_attention,
                 estimated_weights, measured_weights, estimated_kv_cache, measured_kv_cache, estimated_compute, measured_compute)
            VALUES ($id, $fingerprint, $at, $context, $ubatch, $flash, $ew, $mw, $ek, $mk, $ec, $mc)
            """;
        command.Parameters.AddWithValue("$id", load.ModelId);
        command.Parameters.AddWithValue("$fingerprint", (object?)load.Fingerprint ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", load.MeasuredAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$context", load.ContextSize);
        command.Parameters.AddWithValue("$ubatch", load.MicroBatchSize);
        command.Parameters.AddWithValue("$flash", load.FlashAttention ? 1 : 0);
        command.Parameters.AddWithValue("$ew", load.Estimated.Weights);
        command.Parameters.AddWithValue("$mw", load.Measured.Weights);
        command.Parameters.AddWithValue("$ek", load.Estimated.KvCache);
        command.Parameters.AddWithValue("$mk", load.Measured.KvCache);
        command.Parameters.AddWithValue("$ec", load.Estimated.Compute);
        command.Parameters.AddWithValue("$mc", load.Measured.Compute);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
