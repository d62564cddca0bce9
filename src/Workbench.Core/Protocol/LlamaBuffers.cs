namespace Workbench.Core.Protocol;

/// <summary>
/// What llama.cpp reported allocating for a loaded model (its "… buffer size = N MiB" log lines), summed over
/// devices: the measured side of "estimate vs measured".
/// </summary>
/// <param name="ModelBytes">Weights.</param>
/// <param name="KvCacheBytes">KV cache at the loaded context.</param>
/// <param name="ComputeBytes">Compute (scratch) buffers.</param>
/// <param name="OutputBytes">The logits output buffer.</param>
/// <param name="GpuBytes">The part of all of these on GPU devices (anything not named CPU).</param>
public sealed record LlamaBuffers(long ModelBytes, long KvCacheBytes, long ComputeBytes, long OutputBytes, long GpuBytes)
{
    /// <summary>Everything llama.cpp allocated.</summary>
    public long TotalBytes => ModelBytes + KvCacheBytes + ComputeBytes + OutputBytes;
}
