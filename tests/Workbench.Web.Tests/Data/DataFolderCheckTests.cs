using Microsoft.Data.Sqlite;
using Workbench.Web.Data;
using Workbench.Web.Tests.TestSupport;
using Xunit.Abstractions;

namespace Workbench.Web.Tests.Data;

/// <summary>The start-up check of the data folder, on real folders and file systems.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderCheckTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-datacheck-");

    [Fact]
    public void A_new_data_folder_is_created_private_to_the_user()
    {
        var folder = Path.Combine(_temp.FullName, "data");

        Assert.Null(DataFolderCheck.Problem(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_world_readable_data_folder_is_made_private()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "open")).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));

        Assert.Null(DataFolderCheck.Problem(folder));
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(folder));
    }

    [Fact]
    public void A_data_folder_that_cannot_be_created_gives_one_line_naming_it()
    {
        // Works for root too, where a chmod-ed folder would still take writes: a folder cannot live under a file.
        var file = Path.Combine(_temp.FullName, "a-file");
        File.WriteAllText(file, "x");
        var folder = Path.Combine(file, "data");

        var problem = DataFolderCheck.Problem(folder);

        Assert.NotNull(problem);
        Assert.StartsWith($"Workbench cannot start: the data folder {folder} cannot be written", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void A_read_only_data_folder_is_named_as_read_only()
    {
        using var readOnly = SmallFileSystem.TryMount(kibibytes: 256, readOnly: true);
        string folder;
        if (readOnly is not null)
        {
            folder = readOnly.Path;
        }
        else if (Environment.UserName != "root")
        {
            folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "ro")).FullName;
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        else
        {
            output.WriteLine("Not checked: root ignores chmod 0500 and could not mount a read-only tmpfs.");
            return;
        }

        var problem = DataFolderCheck.Problem(folder);

        Assert.StartsWith($"Workbench cannot start: the data folder {folder} is read-only (", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_data_folder_is_named_as_full()
    {
        using var disk = SmallFileSystem.TryMount(kibibytes: 256);
        if (disk is null)
        {
            output.WriteLine("Not checked: a size-limited file system needs root to mount a tmpfs.");
            return;
        }

        disk.Fill();

        Assert.StartsWith($"Workbench cannot start: the data folder {disk.Path} is full (", DataFolderCheck.Problem(disk.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_sqlite_database_is_a_full_disk_fault()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_temp.FullName, "full.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (b BLOB)";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA max_page_count = 4";
        command.ExecuteScalar();
        command.CommandText = "INSERT INTO t VALUES (randomblob(200000))";

        var fault = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.Equal(DiskFaultKind.Full, DiskFault.Classify(fault));
    }

    public void Dispose()
    {
        foreach (var folder in _temp.EnumerateDirectories())
        {
            File.SetUnixFileMode(folder.FullName, (UnixFileMode)Convert.ToInt32("700", 8));
        }

        _temp.Delete(recursive: true);
    }
}
