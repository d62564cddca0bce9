using Microsoft.Data.Sqlite;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>The app's real SQLite database in a fresh temp folder, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("workbench-db-");

    /// <summary>Creates the folder; the database file appears on first use.</summary>
    public TempDatabase() => Database = Open();

    /// <summary>The database.</summary>
    public WorkbenchDatabase Database { get; }

    /// <summary>Another instance on the same file, as after a restart of the app.</summary>
    public WorkbenchDatabase Open() =>
        new(Microsoft.Extensions.Options.Options.Create(new WorkbenchOptions { DataDirectory = _folder.FullName }));

    /// <summary>Runs a query outside the app's code and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
