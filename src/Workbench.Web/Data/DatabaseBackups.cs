using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Workbench.Web.Data;

/// <summary>
/// Copies of <c>workbench.db</c> in <c>backups/</c> beside it, taken with SQLite's online backup (consistent while the
/// app writes), named by time, newest <see cref="Kept"/> kept. Files are private to the user (0600 on Unix).
/// </summary>
public sealed class DatabaseBackups(string databaseFile)
{
    /// <summary>Backups kept; older ones are deleted.</summary>
    public const int Kept = 3;

    private const string Prefix = "workbench-";
    private const string Suffix = ".db";

    /// <summary>The folder of backups.</summary>
    public string Folder { get; } = Path.Combine(Path.GetDirectoryName(databaseFile)!, "backups");

    /// <summary>Backups, newest first.</summary>
    public IReadOnlyList<string> All() =>
        Directory.Exists(Folder)
            ? [.. Directory.EnumerateFiles(Folder, Prefix + "*" + Suffix).Where(f => new FileInfo(f).Length > 0).OrderDescending(StringComparer.Ordinal)]
            : [];

    /// <summary>The newest backup, if any.</summary>
    public string? Newest() => All() is [var newest, ..] ? newest : null;

    /// <summary>Backs up <paramref name="source"/> (an open connection to the database) and deletes the oldest beyond <see cref="Kept"/>.</summary>
    public string Create(SqliteConnection source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        Directory.CreateDirectory(Folder);
        var name = Path.Combine(Folder, Prefix + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + Suffix);
        var partial = name + ".partial";
        using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
        {
            destination.Open();
            source.BackupDatabase(destination);
        }

        PrivateFile.Restrict(partial);
        File.Move(partial, name, overwrite: true);
        foreach (var old in All().Skip(Kept))
        {
            File.Delete(old);
        }

        return name;
    }
}
