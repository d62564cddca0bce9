using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Data;

/// <summary>
/// The app's one SQLite database (<c>workbench.db</c> in the data folder). Write-ahead logging keeps
/// what was committed through a crash; the schema is brought up to date once, at start-up.
/// </summary>
public sealed class WorkbenchDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<Task> _migrated;

    /// <summary>Points the database at the data folder.</summary>
    public WorkbenchDatabase(IOptions<WorkbenchOptions> options)
    {
        Directory.CreateDirectory(options.Value.DataDirectory);
        FilePath = Path.Combine(options.Value.DataDirectory, "workbench.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Path of the database file.</summary>
    public string FilePath { get; }

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
    }
}
