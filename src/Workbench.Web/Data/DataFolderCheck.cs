using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Data;

/// <summary>
/// The start-up check of the data folder: it exists (created private to the user, 0700 on Unix) and takes a small
/// write. A folder that cannot be used stops start-up with one line naming it and the problem, not a stack trace
/// from whichever service touched it first.
/// </summary>
public static class DataFolderCheck
{
    private const string ProbeFileName = ".write-check";
    private const int ProbeBytes = 64 * 1024;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Checks the configured data folder: null when usable, else the one line to print.</summary>
    public static string? Problem(IServiceProvider services) =>
        Problem(services.GetRequiredService<IOptions<WorkbenchOptions>>().Value.DataDirectory);

    /// <summary>Null when <paramref name="dataDirectory"/> is usable; else the one line to print.</summary>
    public static string? Problem(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var probe = Path.Combine(dataDirectory, ProbeFileName);
        try
        {
            CreatePrivate(dataDirectory);
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(new byte[ProbeBytes]);
                file.Flush(flushToDisk: true);
            }

            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (DiskFault.IsDiskFault(e))
        {
            TryDelete(probe);
            var what = DiskFault.Describe(e);
            var detail = what.StartsWith("cannot", StringComparison.Ordinal) ? string.Empty : $" ({e.Message})";
            return $"Workbench cannot start: the data folder {dataDirectory} {what}{detail}. "
                + "Free some space, fix its permissions or point Workbench:DataDirectory at a writable folder.";
        }
    }

    private static void CreatePrivate(string dataDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
            return;
        }

        Directory.CreateDirectory(dataDirectory, OwnerOnly);
        try
        {
            // A folder made by an older version (or by hand) may be world-readable; chats and keys live here.
            File.SetUnixFileMode(dataDirectory, OwnerOnly);
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's folder (a mount point): its owner decides; the write probe says whether it is usable.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (DiskFault.IsDiskFault(e))
        {
            // Nothing was written or the folder refuses even this; the message above says why.
        }
    }
}
