using System.Diagnostics;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// A real size-limited (or read-only) file system for disk-fault tests: a tmpfs mounted on a temp folder. Only root
/// can mount, so <see cref="TryMount"/> gives null elsewhere and the test says what it could not check.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private SmallFileSystem(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kibibytes"/> KiB, read-only when asked; null when this process cannot mount.</summary>
    public static SmallFileSystem? TryMount(int kibibytes, bool readOnly = false)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("workbench-smallfs-").FullName;
        var options = $"size={kibibytes}k,mode=0700" + (readOnly ? ",ro" : string.Empty);
        if (Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", folder) != 0)
        {
            Directory.Delete(folder);
            return null;
        }

        return new SmallFileSystem(folder);
    }

    /// <summary>Fills the file system until a write fails; returns the filler file, whose deletion frees the space.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            return filler; // full
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static int Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
