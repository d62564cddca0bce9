using Workbench.Core.Hardware;
using Workbench.Web.Library;

namespace Workbench.Web.Hub;

/// <summary>A folder downloads may go to, and the space free on its disk.</summary>
/// <param name="Path">The model folder.</param>
/// <param name="Origin">Why the library scans it.</param>
/// <param name="FreeBytes">Bytes free for this user; null when the system does not say.</param>
/// <param name="Writable">Whether files can be created there (a read-only mount, such as the Docker image's /models, cannot).</param>
public sealed record DownloadTarget(string Path, ModelRootOrigin Origin, long? FreeBytes, bool Writable = true);

/// <summary>
/// The model folders the owner's own (configured, added on the Settings page, and the app's generated-models folder;
/// never another tool's store), with the free space the disk probe reads under each.
/// </summary>
public sealed class DownloadTargets(ModelRootCatalog roots, IDiskProbe disks)
{
    /// <summary>Every folder a download may go to, writable ones first (the first is the default).</summary>
    public async Task<IReadOnlyList<DownloadTarget>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await roots.ListAsync(cancellationToken))
            .Where(e => e.Origin != ModelRootOrigin.Discovered)
            .Select(e => new DownloadTarget(e.Root.Path, e.Origin, FreeBytes(e.Root.Path), CanWrite(e.Root.Path)))
            .OrderBy(t => !t.Writable)];

    /// <summary>The folder asked for when it is one of <see cref="ListAsync"/>'s, the default when none is asked for, else null.</summary>
    public async Task<DownloadTarget?> ResolveAsync(string? path, CancellationToken cancellationToken = default)
    {
        var targets = await ListAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(path))
        {
            return targets.Count > 0 ? targets[0] : null;
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        return targets.FirstOrDefault(t => t.Path == full);
    }

    /// <summary>Whether a file can be created in <paramref name="path"/> (tried with a hidden file the scanner skips).</summary>
    public static bool CanWrite(string path)
    {
        // A folder not made yet is writable when the nearest one that exists is.
        var existing = path;
        while (!Directory.Exists(existing) && System.IO.Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var probe = System.IO.Path.Combine(existing, $".workbench-write-test-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Bytes free under <paramref name="path"/> now.</summary>
    public long? FreeBytes(string path) => disks.ReadDisk(path).FreeBytes;
}
