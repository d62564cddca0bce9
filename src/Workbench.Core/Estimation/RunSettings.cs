namespace Workbench.Core.Estimation;

/// <summary>
/// How the model is to be run, in llama.cpp's terms. Defaults follow llama.cpp (batch 2048, micro-batch 512, one
/// sequence, f16 cache, flash attention on) except where noted.
/// </summary>
public sealed record RunSettings
{
    /// <summary>The defaults: the model's training context, everything else as documented on each property.</summary>
    public static RunSettings Default { get; } = new();

    /// <summary>
    /// Context length in tokens (n_ctx), shared by all <see cref="ParallelSequences"/>; null uses the model's training
    /// context as llama.cpp does for n_ctx = 0 (4096 when the model does not state one).
    /// </summary>
    public int? ContextLength { get; init; }

    /// <summary>Logical batch (n_batch); llama.cpp caps it at the requested context.</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>Physical micro-batch (n_ubatch): the compute buffers are sized for this many tokens at once.</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>
    /// Sequences decoded in parallel (n_seq_max, llama-server's <c>--parallel</c>). They share the context: each
    /// gets n_ctx / n; the KV cache does not grow with this number. Only the logits buffer (one row per sequence) does.
    /// </summary>
    public int ParallelSequences { get; init; } = 1;

    /// <summary>Type of the K cache (<c>--cache-type-k</c>).</summary>
    public KvCacheType KeyCacheType { get; init; } = KvCacheType.F16;

    /// <summary>Type of the V cache (<c>--cache-type-v</c>); a quantized V cache needs <see cref="FlashAttention"/>.</summary>
    public KvCacheType ValueCacheType { get; init; } = KvCacheType.F16;

    /// <summary>
    /// Flash attention. llama.cpp's default "auto" turns it on wherever the backend supports it (CUDA, Metal, CPU), so
    /// the default here is on. Without it the attention scores (n_ctx × n_ubatch × n_head floats) dominate the compute buffer.
    /// </summary>
    public bool FlashAttention { get; init; } = true;

    /// <summary>
    /// GPU layers as llama.cpp counts them (<c>-ngl</c>): the model's blocks plus one for the output layer; a negative
    /// number or anything above the count means all. Null chooses the largest count that fits (auto).
    /// </summary>
    public int? GpuLayers { get; init; }

    /// <summary>
    /// Memory each GPU in use loses to the runtime before any model buffer: the CUDA context, cuBLAS workspace and
    /// kernels. Measured values lie between about 250 and 500 MiB depending on driver and card; default 300 MiB.
    /// </summary>
    public long RuntimeOverheadPerGpuBytes { get; init; } = 300 * ByteSize.MiB;

    /// <summary>
    /// Free VRAM left unused per GPU when GPU layers are chosen automatically, for the desktop and drift between
    /// estimate and reality. text-generation-webui keeps 577 MiB, llama.cpp's <c>--fit</c> 1024 MiB; default 512 MiB.
    /// </summary>
    public long AutoFitMarginBytes { get; init; } = 512 * ByteSize.MiB;

    /// <summary>
    /// Full-size cache for sliding-window layers (llama.cpp <c>--swa-full</c>). Off (llama-server's default): those
    /// layers keep only the window plus one micro-batch.
    /// </summary>
    public bool FullSlidingWindowCache { get; init; }

    /// <summary>
    /// Factors learned from a real load of this model (<see cref="MeasuredCorrection"/>); null estimates from the
    /// formulas alone.
    /// </summary>
    public MeasuredCorrection? Correction { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting llama.cpp would not accept.</summary>
    public void Validate()
    {
        if (ContextLength is <= 0)
        {
            throw new ArgumentException($"Context length must be positive, not {ContextLength}.", nameof(ContextLength));
        }

        if (BatchSize <= 0)
        {
            throw new ArgumentException($"Batch size must be positive, not {BatchSize}.", nameof(BatchSize));
        }

        if (MicroBatchSize <= 0)
        {
            throw new ArgumentException($"Micro-batch size must be positive, not {MicroBatchSize}.", nameof(MicroBatchSize));
        }

        if (ParallelSequences <= 0)
        {
            throw new ArgumentException($"Parallel sequences must be at least 1, not {ParallelSequences}.", nameof(ParallelSequences));
        }

        if (ValueCacheType.IsQuantized() && !FlashAttention)
        {
            throw new ArgumentException(
                $"llama.cpp refuses a quantized V cache ({ValueCacheType.DisplayName()}) without flash attention: the context cannot be created.",
                nameof(ValueCacheType));
        }

        if (RuntimeOverheadPerGpuBytes < 0)
        {
            throw new ArgumentException("The runtime overhead cannot be negative.", nameof(RuntimeOverheadPerGpuBytes));
        }

        if (AutoFitMarginBytes < 0)
        {
            throw new ArgumentException("The safety margin cannot be negative.", nameof(AutoFitMarginBytes));
        }
    }
}
