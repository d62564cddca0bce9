using Workbench.Core.Estimation;

namespace Workbench.Core.Hardware;

/// <summary>One GPU of the catalog: what its maker's spec sheet says.</summary>
/// <param name="Id">Stable id for the API and the page, e.g. "rtx-3090".</param>
/// <param name="Name">As sold, e.g. "GeForce RTX 3090".</param>
/// <param name="Vendor">Its maker.</param>
/// <param name="MemoryBytes">All its memory (binary units, as the cards' "24 GB" are 24 GiB); for Apple silicon the unified memory.</param>
/// <param name="BandwidthBytesPerSecond">Theoretical memory bandwidth.</param>
/// <param name="Datacenter">A datacenter card (often bought used: passive cooling, no display output).</param>
/// <param name="UnifiedMemory">CPU and GPU share the memory (Apple silicon).</param>
public sealed record GpuCatalogEntry(string Id, string Name, GpuVendor Vendor, long MemoryBytes, double BandwidthBytesPerSecond, bool Datacenter, bool UnifiedMemory)
{
    /// <summary>
    /// Share of unified memory the GPU may wire by default: macOS reports about three quarters as Metal's
    /// <c>recommendedMaxWorkingSetSize</c> on machines with more than 36 GB (llama.cpp prints it at load).
    /// </summary>
    public const double UnifiedMemoryGpuShare = 0.75;

    /// <summary>Memory a model may use on it: all of a card's, the GPU's share of unified memory.</summary>
    public long UsableBytes => UnifiedMemory ? (long)(MemoryBytes * UnifiedMemoryGpuShare) : MemoryBytes;

    /// <summary>The card as an empty GPU for the estimators.</summary>
    public GpuBudget ToBudget() => new(Name, UsableBytes, BandwidthBytesPerSecond, UsableBytes, Vendor);
}
