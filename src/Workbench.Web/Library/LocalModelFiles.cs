using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Library;

/// <summary>
/// A quick look for GGUF files in the configured model roots, so first-run set-up can tell whether the
/// user has any models before the library's full scan runs.
/// </summary>
public sealed class LocalModelFiles(IOptions<WorkbenchOptions> options)
{
    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        MaxRecursionDepth = 4,
        IgnoreInaccessible = true,
        MatchCasing = MatchCasing.CaseInsensitive,
    };

    /// <summary>Whether any configured model root holds a GGUF file; stops at the first one found.</summary>
    public bool AnyInModelRoots() =>
        options.Value.ModelRoots.Where(Directory.Exists).SelectMany(root => Directory.EnumerateFiles(root, "*.gguf", Walk)).Any();
}
