using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Estimation;

/// <summary>What one GPU would hold.</summary>
/// <param name="Index">Position in the list of GPUs given to the estimator.</param>
/// <param name="Name">The GPU's name.</param>
/// <param name="FreeBytes">Free memory before loading.</param>
/// <param name="Layers">Repeating blocks placed on this GPU.</param>
/// <param name="HoldsOutputLayer">True when the output layer (final norm and output head) is on this GPU.</param>
/// <param name="WeightBytes">Model weights (llama.cpp's <c>CUDA0 model buffer</c>).</param>
/// <param name="KvCacheBytes">KV cache of its layers (<c>CUDA0 KV buffer</c>).</param>
/// <param name="ComputeBytes">Compute buffer (<c>CUDA0 compute buffer</c>).</param>
/// <param name="OverheadBytes">Runtime overhead (CUDA context); 0 when the GPU holds nothing.</param>
public sealed record DeviceMemoryEstimate(
    int Index,
    string Name,
    long FreeBytes,
    int Layers,
    bool HoldsOutputLayer,
    long WeightBytes,
    long KvCacheBytes,
    long ComputeBytes,
    long OverheadBytes)
{
    /// <summary>Everything this GPU would hold.</summary>
    public long TotalBytes => WeightBytes + KvCacheBytes + ComputeBytes + OverheadBytes;

    /// <summary>Free memory left after loading; negative when it does not fit.</summary>
    public long RemainingBytes => FreeBytes - TotalBytes;

    /// <summary>True when <see cref="TotalBytes"/> fits in <see cref="FreeBytes"/>.</summary>
    public bool Fits => TotalBytes <= FreeBytes;
}

/// <summary>
/// Memory a model needs with given settings on given hardware, part by part, where llama.cpp would put each part,
/// and the verdict. All sizes in bytes.
/// </summary>
public sealed record MemoryEstimate
{
    /// <summary>Context, cache and micro-batch sizes as llama.cpp would allocate them.</summary>
    public required ContextShape Context { get; init; }

    /// <summary>GPU layers used (llama.cpp's <c>-ngl</c>, counting the output layer): 0 … <see cref="TotalLayers"/>.</summary>
    public required int GpuLayers { get; init; }

    /// <summary>Layers llama.cpp can offload: the blocks plus the output layer.</summary>
    public required int TotalLayers { get; init; }

    /// <summary>Per block: index of the GPU that runs it, or -1 for the CPU.</summary>
    public required IReadOnlyList<int> LayerDevices { get; init; }

    /// <summary>GPU that runs the output layer, or -1 for the CPU.</summary>
    public required int OutputLayerDevice { get; init; }

    /// <summary>Per GPU, in the order given.</summary>
    public required IReadOnlyList<DeviceMemoryEstimate> Gpus { get; init; }

    /// <summary>Weights in RAM: token embeddings (always), blocks not offloaded, the output layer when not offloaded.</summary>
    public required long WeightsCpuBytes { get; init; }

    /// <summary>KV cache of the blocks that run on the CPU.</summary>
    public required long KvCacheCpuBytes { get; init; }

    /// <summary>CPU compute buffer (the whole graph when CPU-only, else the host-side inputs and CPU layers).</summary>
    public required long ComputeCpuBytes { get; init; }

    /// <summary>Logits buffer in RAM: n_vocab floats for each parallel sequence (llama.cpp's <c>output buffer</c>).</summary>
    public required long OutputBufferBytes { get; init; }

    /// <summary>How the model runs and what to change.</summary>
    public required FitVerdict Verdict { get; init; }

    /// <summary>Settings llama.cpp would reject or that hurt quality, in words.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The factors from a measured load that this estimate applied; null when it comes from the formulas alone.</summary>
    public MeasuredCorrection? Correction { get; init; }

    /// <summary>The runtime whose memory accounting this estimate follows.</summary>
    public InferenceRuntime Runtime { get; init; } = InferenceRuntime.LlamaCpp;

    /// <summary>For runtimes that pre-allocate a KV pool (vLLM): how many tokens and full-length sequences it holds; null otherwise.</summary>
    public KvPoolCapacity? Capacity { get; init; }

    public long WeightsGpuBytes => Gpus.Sum(d => d.WeightBytes);

    public long KvCacheGpuBytes => Gpus.Sum(d => d.KvCacheBytes);

    public long ComputeGpuBytes => Gpus.Sum(d => d.ComputeBytes);

    public long OverheadBytes => Gpus.Sum(d => d.OverheadBytes);

    /// <summary>All GPU memory together.</summary>
    public long TotalGpuBytes => Gpus.Sum(d => d.TotalBytes);

    /// <summary>All RAM: weights, KV cache and compute buffer on the CPU, plus the logits buffer.</summary>
    public long TotalRamBytes => WeightsCpuBytes + KvCacheCpuBytes + ComputeCpuBytes + OutputBufferBytes;

    /// <summary>KV cache on all devices.</summary>
    public long KvCacheBytes => KvCacheGpuBytes + KvCacheCpuBytes;

    /// <summary>Blocks that run on a GPU.</summary>
    public int GpuBlockCount => LayerDevices.Count(d => d >= 0);
}
