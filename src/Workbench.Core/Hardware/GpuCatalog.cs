using System.Text.Json;
using Workbench.Core.Estimation;

namespace Workbench.Core.Hardware;

/// <summary>
/// GPUs people put in home workstations, for what-if questions: the data file <c>gpu-catalog.json</c> beside this class
/// (facts from the makers' spec sheets: memory and memory bandwidth), compiled into the assembly.
/// </summary>
public static class GpuCatalog
{
    private static readonly Lazy<IReadOnlyList<GpuCatalogEntry>> Entries = new(Load);

    /// <summary>Every GPU in the catalog, in the data file's order (makers, then generations).</summary>
    public static IReadOnlyList<GpuCatalogEntry> All => Entries.Value;

    /// <summary>The GPU with <paramref name="id"/> (case-insensitive), or null.</summary>
    public static GpuCatalogEntry? Find(string? id) =>
        All.FirstOrDefault(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase));

    private static List<GpuCatalogEntry> Load()
    {
        using var stream = typeof(GpuCatalog).Assembly.GetManifestResourceStream("Workbench.Core.Hardware.gpu-catalog.json")
            ?? throw new InvalidOperationException("The GPU catalog is missing from the assembly.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("gpus").EnumerateArray().Select(g => new GpuCatalogEntry(
            g.GetProperty("id").GetString()!,
            g.GetProperty("name").GetString()!,
            g.GetProperty("vendor").GetString() switch
            {
                "nvidia" => GpuVendor.Nvidia,
                "amd" => GpuVendor.Amd,
                "apple" => GpuVendor.Apple,
                "intel" => GpuVendor.Intel,
                var other => throw new InvalidOperationException($"GPU catalog: unknown vendor '{other}'."),
            },
            (long)(g.GetProperty("memoryGiB").GetDouble() * ByteSize.GiB),
            g.GetProperty("bandwidthGBps").GetDouble() * 1e9,
            g.TryGetProperty("datacenter", out var datacenter) && datacenter.GetBoolean(),
            g.TryGetProperty("unifiedMemory", out var unified) && unified.GetBoolean())).ToList();
    }
}
