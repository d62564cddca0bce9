namespace Workbench.Web.Library;

/// <summary>Checks a folder someone wants to add as a model root and puts it in canonical form.</summary>
public static class ModelRootPath
{
    /// <summary>The canonical folder path (absolute, no trailing separator, links resolved), or the reason it cannot be a root.</summary>
    public static (string? Path, string? Error) Canonicalize(string? input)
    {
        var trimmed = input?.Trim().Trim('"');
        if (string.IsNullOrEmpty(trimmed))
        {
            return (null, "Enter the full path of a folder.");
        }

        if (trimmed.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            return (null, "The path contains characters a folder name cannot have.");
        }

        if (!System.IO.Path.IsPathFullyQualified(trimmed))
        {
            return (null, $"'{trimmed}' is not a full path; start it at the drive or at /.");
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(trimmed));
        var folder = new DirectoryInfo(full);
        if (!folder.Exists)
        {
            return (null, File.Exists(full) ? $"'{full}' is a file; choose the folder that holds it." : $"No folder exists at '{full}'.");
        }

        try
        {
            // Store where the folder really is, so one folder reached by two paths is scanned once.
            var real = folder.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            return (System.IO.Path.TrimEndingDirectorySeparator(real), null);
        }
        catch (IOException ex)
        {
            return (null, $"'{full}' cannot be read: {ex.Message}");
        }
    }
}
