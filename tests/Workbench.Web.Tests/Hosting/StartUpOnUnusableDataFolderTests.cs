using System.Diagnostics;

namespace Workbench.Web.Tests.Hosting;

/// <summary>The real web host started as a process on a data folder it cannot use.</summary>
public sealed class StartUpOnUnusableDataFolderTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-startup-");

    [Fact]
    public async Task Start_up_exits_with_one_line_naming_the_folder_and_no_stack_trace()
    {
        // A folder under a regular file cannot be created, even by root.
        var file = Path.Combine(_temp.FullName, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var folder = Path.Combine(file, "data");
        var start = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Workbench.Web.dll"), $"--Workbench:DataDirectory={folder}", "--urls=http://127.0.0.1:0" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        using var host = Process.Start(start)!;
        var stderr = host.StandardError.ReadToEndAsync();
        var stdout = host.StandardOutput.ReadToEndAsync();
        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, host.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"Workbench cannot start: the data folder {folder} cannot be written", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Delete(recursive: true);
}
