using System.Text.Json;

namespace Workbench.Core.Estimation;

/// <summary>A well-known model: its name and the shape facts of its public <c>config.json</c>.</summary>
/// <param name="Id">Stable id, e.g. "llama-3.1-8b".</param>
/// <param name="Name">As people call it.</param>
/// <param name="ConfigJson">The config.json fields that decide its memory (layers, heads, KV heads, head dim, n_ff, vocabulary, experts, sliding window).</param>
public sealed record KnownArchitecture(string Id, string Name, string ConfigJson)
{
    /// <summary>Its shape, read the same way as a pasted config.json.</summary>
    public TransformerShape Shape() => ConfigShape.FromConfigJson(ConfigJson, Name);
}

/// <summary>
/// Models people plan for before they own a file of them: the data file <c>architecture-catalog.json</c> beside this
/// class, each entry the memory-relevant fields of the model's public config.json (facts only), compiled into the assembly.
/// </summary>
public static class ArchitectureCatalog
{
    private static readonly Lazy<IReadOnlyList<KnownArchitecture>> Entries = new(Load);

    /// <summary>Every model of the catalog, by family and size.</summary>
    public static IReadOnlyList<KnownArchitecture> All => Entries.Value;

    /// <summary>The model with <paramref name="id"/> (case-insensitive), or null.</summary>
    public static KnownArchitecture? Find(string? id) =>
        All.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));

    private static List<KnownArchitecture> Load()
    {
        using var stream = typeof(ArchitectureCatalog).Assembly.GetManifestResourceStream("Workbench.Core.Estimation.architecture-catalog.json")
            ?? throw new InvalidOperationException("The architecture catalog is missing from the assembly.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("models").EnumerateArray()
            .Select(m => new KnownArchitecture(m.GetProperty("id").GetString()!, m.GetProperty("name").GetString()!, m.GetProperty("config").GetRawText()))
            .ToList();
    }
}
