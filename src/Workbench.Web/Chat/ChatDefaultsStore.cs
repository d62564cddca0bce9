using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Data;

namespace Workbench.Web.Chat;

/// <summary>
/// The owner's system prompt and sampling for new chats (the Settings page), in SQLite; a new chat starts with them
/// instead of the built-in defaults. Read once and kept in memory; every save replaces the one row.
/// </summary>
public sealed class ChatDefaultsStore(WorkbenchDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    // Two first reads at once both read the same row; a save sets both. No lock needed for that.
    private volatile bool _loaded;
    private volatile ConversationSettings? _current;

    /// <summary>The saved defaults (no model, no context), or null when the owner kept the built-in ones.</summary>
    public async Task<ConversationSettings?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (!_loaded)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT system_prompt, sampling_json, fixed_seed FROM chat_defaults WHERE id = 1";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            _current = await reader.ReadAsync(cancellationToken)
                ? new ConversationSettings(
                    reader.GetString(0),
                    JsonSerializer.Deserialize<SamplingSettings>(reader.GetString(1), Json) ?? ConversationSettings.ChatSampling,
                    null,
                    reader.GetBoolean(2))
                : null;
            _loaded = true;
        }

        return _current;
    }

    /// <summary>Saves <paramref name="settings"/>' system prompt, sampling (within <see cref="SamplingLimits"/>) and seed choice for new chats.</summary>
    public async Task<ConversationSettings> SaveAsync(ConversationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var saved = new ConversationSettings(settings.SystemPrompt, SamplingLimits.Clamp(settings.Sampling), null, settings.FixedSeed);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO chat_defaults (id, system_prompt, sampling_json, fixed_seed) VALUES (1, $system, $sampling, $fixedSeed)
                ON CONFLICT (id) DO UPDATE SET system_prompt = $system, sampling_json = $sampling, fixed_seed = $fixedSeed
                """;
            command.Parameters.AddWithValue("$system", saved.SystemPrompt);
            command.Parameters.AddWithValue("$sampling", JsonSerializer.Serialize(saved.Sampling, Json));
            command.Parameters.AddWithValue("$fixedSeed", saved.FixedSeed);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _current = saved;
        _loaded = true;
        return saved;
    }
}
