namespace Workbench.Worker.Probes;

/// <summary>Best-effort reads of the small text files Linux exposes under /proc and /sys.</summary>
internal static class ProbeFiles
{
    /// <summary>The file's text, or null when it is absent or unreadable (another OS, a container without /sys).</summary>
    public static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The file's first line, trimmed; null when absent, unreadable or empty.</summary>
    public static string? TryReadLine(string path) =>
        TryReadText(path)?.Split('\n')[0].Trim() is { Length: > 0 } line ? line : null;
}
