using Microsoft.Extensions.Options;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Tests.TestSupport;
using Xunit.Abstractions;

namespace Workbench.Web.Tests.Data;

/// <summary>The worker's log file on real file systems, full ones included.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RotatingLogFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-logs-");
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void It_rolls_over_by_size_and_keeps_three_files()
    {
        var path = Path.Combine(_temp.FullName, "logs", "worker.log");
        var health = Health();
        using (var log = new RotatingLogFile(path, maxBytes: 1000, filesKept: 3, health, _time))
        {
            for (var i = 0; i < 200; i++)
            {
                log.WriteLine($"line {i:D4} " + new string('x', 40));
            }
        }

        var files = Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["worker.log", "worker.log.1", "worker.log.2"], files);
        Assert.All(files, f => Assert.InRange(new FileInfo(Path.Combine(_temp.FullName, "logs", f!)).Length, 1, 1000));
        Assert.EndsWith("line 0199 " + new string('x', 40), File.ReadAllText(path).TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(health.Problems);
    }

    [Fact]
    public void Log_files_are_private_to_the_user()
    {
        var path = Path.Combine(_temp.FullName, "worker.log");
        using (var log = new RotatingLogFile(path, 1000, 3, Health(), _time))
        {
            log.WriteLine("hello");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_full_disk_drops_lines_without_throwing_shows_the_problem_and_recovers_when_space_returns()
    {
        using var disk = SmallFileSystem.TryMount(kibibytes: 256);
        if (disk is null)
        {
            output.WriteLine("Not checked: a size-limited file system needs root to mount a tmpfs.");
            return;
        }

        var health = Health(disk.Path);
        using var log = new RotatingLogFile(Path.Combine(disk.Path, "logs", "worker.log"), 1 << 20, 3, health, _time);
        log.WriteLine("before");
        var filler = disk.Fill();

        for (var i = 0; i < 100; i++)
        {
            log.WriteLine(new string('y', 500));
        }

        var problem = Assert.Single(health.Problems);
        Assert.Equal($"The data folder {disk.Path} is full — the worker's log is not being written.", problem);

        File.Delete(filler);
        _time.Advance(TimeSpan.FromSeconds(6));
        log.WriteLine("after");

        Assert.Empty(health.Problems);
        Assert.EndsWith("after", File.ReadAllText(Path.Combine(disk.Path, "logs", "worker.log")).TrimEnd(), StringComparison.Ordinal);
    }

    private DataFolderHealth Health(string? dataDirectory = null) =>
        new(Options.Create(new WorkbenchOptions { DataDirectory = dataDirectory ?? _temp.FullName }));

    public void Dispose() => _temp.Delete(recursive: true);
}
