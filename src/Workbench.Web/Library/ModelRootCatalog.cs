using Microsoft.Extensions.Options;
using Workbench.Core.Library;
using Workbench.Web.Hosting;

namespace Workbench.Web.Library;

/// <summary>
/// Every folder the library scans: configured roots, roots added on the settings page, the generated-models
/// folder and (when enabled) other tools' stores. Adding or removing a root raises <see cref="Changed"/>.
/// </summary>
public sealed class ModelRootCatalog(IOptions<WorkbenchOptions> options, ModelRootStore store)
{
    /// <summary>Raised after a root was added or removed.</summary>
    public event Action? Changed;

    /// <summary>All roots, each once (the first origin wins), configured ones first.</summary>
    public async Task<IReadOnlyList<ModelRootEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<ModelRootEntry>();
        entries.AddRange(options.Value.ModelRoots.Select(r => Entry(r, ModelSource.ModelRoot, ModelRootOrigin.Configured)));
        entries.AddRange((await store.LoadAsync(cancellationToken)).Select(r => Entry(r, ModelSource.ModelRoot, ModelRootOrigin.Added)));
        entries.Add(Entry(options.Value.GeneratedModelsDirectory, ModelSource.ModelRoot, ModelRootOrigin.Generated));
        if (options.Value.DiscoverKnownStores)
        {
            entries.AddRange(KnownModelStores.Discover(ModelStoreEnvironment.FromCurrentProcess())
                .Select(r => Entry(r.Path, r.Source, ModelRootOrigin.Discovered)));
        }

        return [.. entries.DistinctBy(e => e.Root.Path, OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)];
    }

    /// <summary>The roots to scan now: those that exist.</summary>
    public async Task<IReadOnlyList<ModelStoreRoot>> ScanRootsAsync(CancellationToken cancellationToken = default) =>
        [.. (await ListAsync(cancellationToken)).Where(e => e.Exists).Select(e => e.Root)];

    /// <summary>Adds a folder from the settings page; answers why not when it cannot be a root.</summary>
    public async Task<string?> AddAsync(string? input, CancellationToken cancellationToken = default)
    {
        var (path, error) = ModelRootPath.Canonicalize(input);
        if (path is null)
        {
            return error;
        }

        if ((await ListAsync(cancellationToken)).FirstOrDefault(e => e.Root.Path == path) is { } existing)
        {
            return $"'{path}' is already scanned ({existing.Origin.ToString().ToLowerInvariant()}).";
        }

        await store.AddAsync(path, cancellationToken);
        Changed?.Invoke();
        return null;
    }

    /// <summary>Removes a folder added on the settings page; configured and discovered ones cannot be removed here.</summary>
    public async Task<bool> RemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        var removed = await store.RemoveAsync(path, cancellationToken);
        if (removed)
        {
            Changed?.Invoke();
        }

        return removed;
    }

    private static ModelRootEntry Entry(string path, ModelSource source, ModelRootOrigin origin)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return new ModelRootEntry(new ModelStoreRoot(full, source), origin, Directory.Exists(full));
    }
}
