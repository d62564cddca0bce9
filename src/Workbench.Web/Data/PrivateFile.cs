namespace Workbench.Web.Data;

/// <summary>Makes files in the data folder readable by their owner only (0600 on Unix): chats, keys and logs live there.</summary>
public static class PrivateFile
{
    /// <summary>Sets 0600 on <paramref name="path"/> when it exists; a failure (someone else's file) is left to the folder's 0700.</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to change; the data folder's own 0700 still keeps others out.
        }
    }
}
