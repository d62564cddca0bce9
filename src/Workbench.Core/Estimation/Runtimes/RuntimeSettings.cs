using System.Globalization;

namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// The settings of the runtimes other than llama.cpp (whose settings are <see cref="RunSettings"/>). Defaults are each
/// runtime's own.
/// </summary>
public sealed record RuntimeSettings
{
    /// <summary>Every default.</summary>
    public static RuntimeSettings Default { get; } = new();

    /// <summary>ExLlamaV2's cache mode (TabbyAPI <c>cache_mode</c>, default FP16).</summary>
    public Exl2CacheMode Exl2Cache { get; init; } = Exl2CacheMode.Fp16;

    /// <summary>vLLM's <c>--gpu-memory-utilization</c>: the share of each GPU's total memory it may use (default 0.9).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>
    /// vLLM's <c>--max-num-batched-tokens</c>: tokens of one scheduler step, which sizes the profiling forward pass and so
    /// the activation peak. Null takes vLLM's default for its OpenAI server (<c>EngineArgs.get_batch_defaults</c> in
    /// vllm/engine/arg_utils.py): 8192 on GPUs of 70 GiB and more other than the A100, 2048 on the rest.
    /// </summary>
    public int? VllmMaxBatchedTokens { get; init; }

    /// <summary>vLLM's <c>--max-num-seqs</c>; null takes its default (1024 on the large GPUs, 256 on the rest): the sampler is profiled with this many rows of logits.</summary>
    public int? VllmMaxSequences { get; init; }

    /// <summary>The batched tokens and sequences vLLM uses on <paramref name="gpu"/>: the settings, else its defaults for that GPU.</summary>
    public (int Tokens, int Sequences) VllmBatchFor(GpuBudget gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var large = gpu.CapacityBytes >= 70 * ByteSize.GiB && !gpu.Name.Contains("A100", StringComparison.OrdinalIgnoreCase);
        return (VllmMaxBatchedTokens ?? (large ? 8192 : 2048), VllmMaxSequences ?? (large ? 1024 : 256));
    }

    /// <summary>
    /// vLLM's <c>--enforce-eager</c>: no CUDA graphs, so their memory (<see cref="VllmCudaGraphBytes"/>) goes to the KV cache.
    /// </summary>
    public bool VllmEnforceEager { get; init; }

    /// <summary>
    /// Memory of vLLM's captured CUDA graphs. vLLM logs it at start ("Graph capturing finished … took X GiB"); reported
    /// values for 7–70B models lie between about 0.2 and 1.5 GiB, so this is an assumption: 512 MiB.
    /// </summary>
    public long VllmCudaGraphBytes { get; init; } = 512 * ByteSize.MiB;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting the runtime would refuse.</summary>
    public void Validate()
    {
        if (!(GpuMemoryUtilization is > 0 and <= 1))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"gpuMemoryUtilization must lie above 0 and at most 1, not {GpuMemoryUtilization}."),
                nameof(GpuMemoryUtilization));
        }

        if (VllmMaxBatchedTokens is <= 0 || VllmMaxSequences is <= 0)
        {
            throw new ArgumentException("vLLM's batched tokens and sequences must be positive.", nameof(VllmMaxBatchedTokens));
        }

        if (VllmCudaGraphBytes < 0)
        {
            throw new ArgumentException("CUDA graph memory cannot be negative.", nameof(VllmCudaGraphBytes));
        }
    }
}
