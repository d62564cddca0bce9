using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Workbench.Web.Data;

/// <summary>
/// Checks <c>workbench.db</c> before the app uses it (<c>PRAGMA quick_check</c>) and deals with damage without
/// losing what can be kept and without ever starting silently on an empty database:
/// <list type="bullet">
/// <item>damage confined to the model index (rebuilt by the next library scan): everything else is copied into a
/// fresh file, the damaged one is kept beside it;</item>
/// <item>any other damage, or a file that is not a database: it is moved aside and a new database started, with a
/// message naming both files and the backup to restore;</item>
/// <item>a 0-byte file while backups exist: the same, since a real database is never empty.</item>
/// </list>
/// </summary>
public static class DatabaseRepair
{
    /// <summary>Tables rebuilt from the model folders, which may be dropped rather than copied.</summary>
    private static readonly HashSet<string> Rebuildable = new(StringComparer.Ordinal) { "models" };

    /// <summary>Makes <paramref name="file"/> usable; returns what was done for the user to read, or null when it was fine.</summary>
    public static string? EnsureUsable(string file, DatabaseBackups backups, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(backups);
        if (!File.Exists(file))
        {
            return null;
        }

        if (new FileInfo(file).Length == 0)
        {
            if (backups.Newest() is not { } backup)
            {
                return null; // never written: the same as no database
            }

            var empty = MoveAside(file, now);
            return $"{file} was empty (0 bytes) although backups exist, so it was not used: it was moved to {empty} and a new database started. "
                + RestoreHint(file, backup);
        }

        var damage = Damage(file);
        if (damage is null)
        {
            return null;
        }

        var salvage = file + ".salvage";
        if (TrySalvage(file, salvage))
        {
            var kept = MoveAside(file, now);
            File.Move(salvage, file);
            return $"{file} was damaged ({damage}) in the model index only: conversations, keys and settings were kept and the index is being rebuilt. "
                + $"The damaged file was kept as {kept}.";
        }

        DeleteWithJournals(salvage);
        var aside = MoveAside(file, now);
        return $"{file} was damaged ({damage}) and was moved to {aside}; Workbench started with a new, empty database. "
            + (backups.Newest() is { } newest
                ? RestoreHint(file, newest)
                : "No backup exists yet; sqlite3's .recover command may still get data out of the damaged file.");
    }

    /// <summary>Null when quick_check passes; else its first complaint.</summary>
    private static string? Damage(string file)
    {
        try
        {
            using var connection = Open(file, SqliteOpenMode.ReadWrite);
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check;";
            var first = check.ExecuteScalar() as string;
            return first == "ok" ? null : first ?? "quick_check gave no answer";
        }
        catch (SqliteException e)
        {
            return e.Message;
        }
    }

    /// <summary>Copies every table but the rebuildable ones into a new file with the same schema version.</summary>
    private static bool TrySalvage(string file, string salvage)
    {
        DeleteWithJournals(salvage);
        try
        {
            using var fresh = Open(salvage, SqliteOpenMode.ReadWriteCreate);
            using var command = fresh.CreateCommand();
            command.CommandText = "ATTACH DATABASE $damaged AS damaged;";
            command.Parameters.AddWithValue("$damaged", file);
            command.ExecuteNonQuery();
            command.Parameters.Clear();
            command.CommandText = "PRAGMA damaged.user_version;";
            var version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version <= 0 || version > SchemaMigrations.All.Count)
            {
                return false;
            }

            using var transaction = fresh.BeginTransaction();
            command.Transaction = transaction;
            command.CommandText = string.Concat(SchemaMigrations.All.Take(version)) + $"\nPRAGMA user_version = {version};";
            command.ExecuteNonQuery();
            foreach (var table in Tables(command).Where(t => !Rebuildable.Contains(t)))
            {
                command.CommandText = $"INSERT INTO main.\"{table}\" SELECT * FROM damaged.\"{table}\";";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            command.Transaction = null;
            command.CommandText = "DETACH DATABASE damaged;";
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>The app's tables in creation order (a conversation before its messages).</summary>
    private static List<string> Tables(SqliteCommand command)
    {
        command.CommandText = "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid;";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static string RestoreHint(string file, string backup) =>
        $"To restore, stop Workbench and copy {backup} to {file}.";

    /// <summary>Moves the file and its WAL journal to <c>name.damaged-time</c>; returns the new name.</summary>
    private static string MoveAside(string file, DateTimeOffset now)
    {
        SqliteConnection.ClearAllPools();
        var aside = $"{file}.damaged-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(file + suffix))
            {
                File.Move(file + suffix, aside + suffix, overwrite: true);
            }
        }

        return aside;
    }

    private static void DeleteWithJournals(string file)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(file + suffix);
        }
    }

    private static SqliteConnection Open(string file, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
