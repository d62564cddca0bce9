namespace Workbench.Worker.Probes;

/// <summary>The folders whose disks a hardware report lists.</summary>
public static class ReportedDiskPaths
{
    /// <summary>
    /// The model roots that exist on this machine (a remote worker may not have the dashboard's folders), then the
    /// worker's own folder and the temp folder. Roots come first, so a disk shared with them is listed under a root.
    /// </summary>
    public static IReadOnlyList<string> For(IEnumerable<string> modelRoots)
    {
        ArgumentNullException.ThrowIfNull(modelRoots);
        return [.. modelRoots.Where(Directory.Exists), AppContext.BaseDirectory, Path.GetTempPath()];
    }
}
