using Workbench.Core.Hardware;

namespace Workbench.Web.Api;

/// <summary>The GPU catalog: <c>GET /workbench/v1/gpus</c>.</summary>
public static class GpuCatalogEndpoints
{
    /// <summary>One catalog GPU as the API gives it.</summary>
    /// <param name="Id">What <c>gpu=</c> on the estimate API takes.</param>
    /// <param name="Name">As sold.</param>
    /// <param name="Vendor">"nvidia", "amd", "apple" or "intel".</param>
    /// <param name="MemoryBytes">All its memory (for Apple silicon the unified memory).</param>
    /// <param name="UsableBytes">What a model may use: the card's memory, or the GPU's share of unified memory.</param>
    /// <param name="BandwidthBytesPerSecond">Theoretical memory bandwidth.</param>
    /// <param name="Datacenter">A datacenter card.</param>
    /// <param name="UnifiedMemory">CPU and GPU share the memory.</param>
    public sealed record GpuResponse(string Id, string Name, string Vendor, long MemoryBytes, long UsableBytes, double BandwidthBytesPerSecond, bool Datacenter, bool UnifiedMemory);

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapGpuCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench/v1/gpus", () => GpuCatalog.All
                .Select(g => new GpuResponse(g.Id, g.Name, g.Vendor.ToString().ToLowerInvariant(), g.MemoryBytes, g.UsableBytes, g.BandwidthBytesPerSecond, g.Datacenter, g.UnifiedMemory))
                .ToList())
            .WithTags("Estimation")
            .WithName("ListGpus")
            .WithSummary("GPUs people put in home workstations, with memory and bandwidth, for what-if estimates (gpu=<id> on the estimate API).");
        return endpoints;
    }
}
