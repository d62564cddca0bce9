using System.Globalization;
using Microsoft.Extensions.Options;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Workers;

/// <summary>
/// How long a model stays loaded unused when its last request said nothing: the owner's choice on the Settings page
/// (kept in SQLite), else <c>Workbench:ModelKeepAlive</c>. Zero keeps models loaded.
/// </summary>
public sealed partial class KeepAliveDefault(WorkbenchDatabase database, IOptions<WorkbenchOptions> options, ILogger<KeepAliveDefault> logger) : IHostedService
{
    private const string Key = "model_keep_alive";

    /// <summary>Longest keep-alive the page offers to set; configuration may say more.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    private TimeSpan? _chosen;

    /// <summary>Raised after the owner changed it.</summary>
    public event Action? Changed;

    /// <summary>The keep-alive in force.</summary>
    public TimeSpan Current => _chosen ?? options.Value.ModelKeepAlive;

    /// <summary>The owner's choice; null follows configuration.</summary>
    public TimeSpan? Chosen => _chosen;

    /// <summary>What configuration says.</summary>
    public TimeSpan Configured => options.Value.ModelKeepAlive;

    /// <summary>Reads the owner's choice; an unreadable database leaves configuration in force.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM dashboard_settings WHERE key = $key";
            command.Parameters.AddWithValue("$key", Key);
            if (await command.ExecuteScalarAsync(cancellationToken) is string stored
                && TimeSpan.TryParse(stored, CultureInfo.InvariantCulture, out var chosen) && chosen >= TimeSpan.Zero)
            {
                _chosen = chosen;
            }
        }
        catch (Exception e) when (DiskFault.IsDiskFault(e))
        {
            LogUnreadable(logger, e.Message);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sets the owner's choice (zero: keep loaded); null goes back to configuration.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or longer than <see cref="Longest"/>.</exception>
    public async Task SetAsync(TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        if (keepAlive is { } value && (value < TimeSpan.Zero || value > Longest))
        {
            throw new ArgumentOutOfRangeException(nameof(keepAlive), value, $"A keep-alive is between zero (keep loaded) and {Longest.TotalDays:0} days.");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = keepAlive is null
            ? "DELETE FROM dashboard_settings WHERE key = $key"
            : "INSERT INTO dashboard_settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", Key);
        command.Parameters.AddWithValue("$value", keepAlive?.ToString("c", CultureInfo.InvariantCulture) ?? (object)DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _chosen = keepAlive;
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the keep-alive chosen on the Settings page; Workbench:ModelKeepAlive applies: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
