namespace Workbench.Web.Security;

/// <summary>Small files in the data folder that only this user may read, written atomically.</summary>
internal static class SecretFile
{
    public static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    public static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // A crash mid-write leaves the old file, never half a secret.
        File.Move(temporary, path, overwrite: true);
    }
}
