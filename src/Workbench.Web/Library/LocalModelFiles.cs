using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Library;

/// <summary>
/// The GGUF files in the model roots and the app's own generated-models folder. A plain file
/// listing until the indexed library (SQLite, all formats) replaces it.
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

    /// <summary>GGUF files in the configured model roots.</summary>
    public IReadOnlyList<string> InModelRoots() =>
        [.. options.Value.ModelRoots.Where(Directory.Exists).SelectMany(root => Directory.EnumerateFiles(root, "*.gguf", Walk)).Order(StringComparer.Ordinal)];

    /// <summary>Every GGUF file the dashboard can offer: model roots first, then generated ones.</summary>
    public IReadOnlyList<string> All()
    {
        var generated = Directory.Exists(options.Value.GeneratedModelsDirectory)
            ? Directory.EnumerateFiles(options.Value.GeneratedModelsDirectory, "*.gguf", Walk).Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return [.. InModelRoots().Concat(generated).Distinct(StringComparer.Ordinal)];
    }
}
