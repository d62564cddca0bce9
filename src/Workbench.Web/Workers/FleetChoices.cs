using System.Collections.Immutable;
using System.Globalization;
using Workbench.Web.Data;

namespace Workbench.Web.Workers;

/// <summary>
/// The owner's choices about the fleet, kept in SQLite and held in memory because placement reads them on every
/// request: what each machine is called, which machines are retired and which machine each pinned model runs on.
/// Machines are known by the name their worker reports (<c>Workbench:Worker:Name</c>, else the host name), which
/// outlives connections and restarts.
/// </summary>
public sealed partial class FleetChoices(WorkbenchDatabase database, TimeProvider time, ILogger<FleetChoices> logger) : IHostedService
{
    private readonly Lock _gate = new();
    private volatile State _state = State.Empty;

    /// <summary>Raised after any choice changed.</summary>
    public event Action? Changed;

    /// <summary>Pinned models: model path to the machine it runs on.</summary>
    public IReadOnlyDictionary<string, string> Pins => _state.Pins;

    /// <summary>Retired machines, refused when they connect.</summary>
    public IReadOnlySet<string> Retired => _state.Retired;

    /// <summary>The machine <paramref name="modelPath"/> is pinned to, if any.</summary>
    public string? PinFor(string modelPath) => _state.Pins.GetValueOrDefault(modelPath);

    /// <summary>Whether the machine was retired.</summary>
    public bool IsRetired(string hostName) => _state.Retired.Contains(hostName);

    /// <summary>The owner's name for a machine, else the name its worker reports.</summary>
    public string DisplayName(string hostName) => _state.Labels.GetValueOrDefault(hostName) ?? hostName;

    /// <summary>Reads the choices once at start-up; an unreadable database leaves none (and says so) rather than stopping the dashboard.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _state = await ReadAsync(cancellationToken);
        }
        catch (Exception e) when (DiskFault.IsDiskFault(e))
        {
            LogUnreadable(logger, e.Message);
        }
    }

    private async Task<State> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var labels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var retired = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT host_name, label, retired_at FROM fleet_workers";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(1))
                {
                    labels[reader.GetString(0)] = reader.GetString(1);
                }

                if (!reader.IsDBNull(2))
                {
                    retired.Add(reader.GetString(0));
                }
            }
        }

        var pins = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT model_path, host_name FROM model_pins";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pins[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return new State(labels.ToImmutable(), retired.ToImmutable(), pins.ToImmutable());
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Pins <paramref name="modelPath"/> to <paramref name="hostName"/>; null removes the pin.</summary>
    public async Task PinAsync(string modelPath, string? hostName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = hostName is null
            ? "DELETE FROM model_pins WHERE model_path = $path"
            : "INSERT INTO model_pins (model_path, host_name, pinned_at) VALUES ($path, $host, $now) "
              + "ON CONFLICT (model_path) DO UPDATE SET host_name = excluded.host_name, pinned_at = excluded.pinned_at";
        command.Parameters.AddWithValue("$path", modelPath);
        command.Parameters.AddWithValue("$host", (object?)hostName ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Now());
        await command.ExecuteNonQueryAsync(cancellationToken);
        Update(s => s with { Pins = hostName is null ? s.Pins.Remove(modelPath) : s.Pins.SetItem(modelPath, hostName) });
    }

    /// <summary>Gives a machine a name of the owner's choosing; null or blank goes back to the reported name.</summary>
    public async Task NameAsync(string hostName, string? label, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        label = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        await UpsertAsync(hostName, "label", label, cancellationToken);
        Update(s => s with { Labels = label is null ? s.Labels.Remove(hostName) : s.Labels.SetItem(hostName, label) });
    }

    /// <summary>Retires a machine (its worker is refused until restored) or restores it.</summary>
    public async Task RetireAsync(string hostName, bool retired, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        await UpsertAsync(hostName, "retired_at", retired ? Now() : null, cancellationToken);
        Update(s => s with { Retired = retired ? s.Retired.Add(hostName) : s.Retired.Remove(hostName) });
    }

    private async Task UpsertAsync(string hostName, string column, string? value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The column name comes from this class only, never from input.
        command.CommandText = $"INSERT INTO fleet_workers (host_name, {column}) VALUES ($host, $value) "
            + $"ON CONFLICT (host_name) DO UPDATE SET {column} = excluded.{column}";
        command.Parameters.AddWithValue("$host", hostName);
        command.Parameters.AddWithValue("$value", (object?)value ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Update(Func<State, State> change)
    {
        lock (_gate)
        {
            _state = change(_state);
        }

        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the fleet's names, retired machines and pins; starting without them: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    private string Now() => time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private sealed record State(ImmutableDictionary<string, string> Labels, ImmutableHashSet<string> Retired, ImmutableDictionary<string, string> Pins)
    {
        public static State Empty { get; } = new(
            ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
            ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
            ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));
    }
}
