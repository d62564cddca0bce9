using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>The probe used when no GPU provider works: lists nothing and says why.</summary>
/// <param name="reason">Why no GPU can be read.</param>
public sealed class NoGpuProbe(string reason) : IGpuProbe
{
    /// <inheritdoc/>
    public string ProviderName => "none";

    /// <inheritdoc/>
    public string? UnavailableReason { get; } = reason;

    /// <inheritdoc/>
    public IReadOnlyList<GpuInfo> ReadGpus() => [];
}
