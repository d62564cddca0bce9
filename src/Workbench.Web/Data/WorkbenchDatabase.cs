using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Data;

/// <summary>
/// The app's one SQLite database (<c>workbench.db</c> in the data folder). Write-ahead logging keeps
/// what was committed through a crash; the schema is brought up to date once, at start-up, after
/// <see cref="DatabaseRepair"/> checked the file.
/// </summary>
public sealed partial class WorkbenchDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<Task> _migrated;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Points the database at the data folder.</summary>
    public WorkbenchDatabase(IOptions<WorkbenchOptions> options, TimeProvider? time = null, ILogger<WorkbenchDatabase>? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Directory.CreateDirectory(options.Value.DataDirectory);
        FilePath = Path.Combine(options.Value.DataDirectory, "workbench.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
        Backups = new DatabaseBackups(FilePath);
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The database's backups.</summary>
    public DatabaseBackups Backups { get; }

    /// <summary>What the start-up check found and did (a damaged file moved aside), for the Overview page; null when all was well.</summary>
    public string? RepairNotice { get; private set; }

    /// <summary>An open connection with the schema up to date; dispose it when done.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _migrated.Value;
        return await OpenRawAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task MigrateAsync()
    {
        // Synchronous like the rest of SQLite's work here: the check reads the file once, at start-up.
        RepairNotice = DatabaseRepair.EnsureUsable(FilePath, Backups, _time.GetUtcNow());
        if (RepairNotice is not null)
        {
            LogRepaired(_logger, RepairNotice);
        }

        await using var connection = await OpenRawAsync(CancellationToken.None);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            await wal.ExecuteNonQueryAsync();
        }

        await using var versionCommand = connection.CreateCommand();
        versionCommand.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        for (var next = version; next < SchemaMigrations.All.Count; next++)
        {
            await using var transaction = connection.BeginTransaction();
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = SchemaMigrations.All[next] + $"\nPRAGMA user_version = {next + 1};";
            await migrate.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        foreach (var file in new[] { FilePath, FilePath + "-wal", FilePath + "-shm" })
        {
            PrivateFile.Restrict(file);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Notice}")]
    private static partial void LogRepaired(ILogger logger, string notice);
}
