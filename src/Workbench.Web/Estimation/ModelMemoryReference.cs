namespace Workbench.Web.Estimation;

/// <summary>
/// What the estimator says a worker's loaded model should take, for reference lines on the telemetry charts.
/// </summary>
/// <param name="RamBytes">RAM for the CPU's share (weights, KV cache and buffers).</param>
/// <param name="GpuBytesByIndex">Per GPU (by driver index) its share including the runtime overhead; empty on the CPU.</param>
public sealed record ModelMemoryReference(long RamBytes, IReadOnlyDictionary<int, long> GpuBytesByIndex);
