using Workbench.Core.Hardware;
using Workbench.Web.Library;

namespace Workbench.Web.Hub;

/// <summary>A folder downloads may go to, and the space free on its disk.</summary>
/// <param name="Path">The model folder.</param>
/// <param name="Origin">Why the library scans it.</param>
/// <param name="FreeBytes">Bytes free for this user; null when the system does not say.</param>
public sealed record DownloadTarget(string Path, ModelRootOrigin Origin, long? FreeBytes);

/// <summary>
/// The model folders the owner's own (configured, added on the Settings page, and the app's generated-models folder;
/// never another tool's store), with the free space the disk probe reads under each.
/// </summary>
public sealed class DownloadTargets(ModelRootCatalog roots, IDiskProbe disks)
{
    /// <summary>Every folder a download may go to, the default first.</summary>
    public async Task<IReadOnlyList<DownloadTarget>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await roots.ListAsync(cancellationToken))
            .Where(e => e.Origin != ModelRootOrigin.Discovered)
            .Select(e => new DownloadTarget(e.Root.Path, e.Origin, FreeBytes(e.Root.Path)))];

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

    /// <summary>Bytes free under <paramref name="path"/> now.</summary>
    public long? FreeBytes(string path) => disks.ReadDisk(path).FreeBytes;
}
