namespace Workbench.Core.Protocol;

/// <summary>Asks a worker to load a model file.</summary>
/// <param name="ModelPath">Path of the GGUF file on the worker's host.</param>
/// <param name="ContextSize">Context length in tokens of each sequence: what one conversation can hold.</param>
/// <param name="GpuLayers">Layers to offload to the GPU (0 on the CPU backend).</param>
/// <param name="LoadId">Names this load for <c>CancelLoad</c>; the dashboard sets one on every load it sends.</param>
/// <param name="ParallelSequences">
/// Answers decoded together (llama.cpp's n_seq_max). llama.cpp divides its context evenly among them, so the worker
/// makes a context of <paramref name="ContextSize"/> × this many tokens and every sequence still gets the full window.
/// </param>
/// <param name="Overrides">
/// What the person chose by hand (cache type, flash attention; the GPU layers chosen are already in
/// <paramref name="GpuLayers"/>); null: the plan's defaults. A resident model loaded otherwise is loaded again.
/// </param>
public sealed record ModelLoadRequest(
    string ModelPath, int ContextSize = 2048, int GpuLayers = 0, Guid? LoadId = null, int ParallelSequences = 1, LoadOverrides? Overrides = null)
{
    /// <summary>llama.cpp's n_ctx for this load: every sequence's window together.</summary>
    public int TotalContext => checked(ContextSize * Math.Max(1, ParallelSequences));
}

/// <summary>Outcome of a load.</summary>
/// <param name="Succeeded">Whether the model is now loaded.</param>
/// <param name="Error">Why it failed, in words a user can act on.</param>
/// <param name="ModelPath">The model the worker now has loaded.</param>
/// <param name="ContextSize">Context length actually used.</param>
/// <param name="ParameterCount">Parameters reported by llama.cpp.</param>
/// <param name="SizeBytes">Model size in bytes reported by llama.cpp.</param>
/// <param name="LoadMilliseconds">How long the load took.</param>
/// <param name="Buffers">What llama.cpp reported allocating (weights, KV cache, compute), when its log said so.</param>
/// <param name="MicroBatchSize">The micro-batch the context was made with (the compute buffer scales with it).</param>
/// <param name="FlashAttention">Whether flash attention was on.</param>
/// <param name="GpuLayers">Layers llama.cpp put on GPUs as requested (-ngl); 0 when nothing went to a GPU.</param>
/// <param name="ParallelSequences">Answers this model decodes together; <paramref name="ContextSize"/> is each one's window.</param>
/// <param name="Threads">CPU threads llama.cpp decodes with.</param>
/// <param name="BatchThreads">CPU threads llama.cpp processes prompts with.</param>
/// <param name="KvCache">Element type of the K and V cache.</param>
public sealed record ModelLoadResult(
    bool Succeeded,
    string? Error,
    string? ModelPath,
    int ContextSize,
    ulong ParameterCount,
    ulong SizeBytes,
    double LoadMilliseconds,
    LlamaBuffers? Buffers = null,
    int MicroBatchSize = 0,
    bool FlashAttention = false,
    int GpuLayers = 0,
    int ParallelSequences = 1,
    int Threads = 0,
    int BatchThreads = 0,
    Estimation.KvCacheType KvCache = Estimation.KvCacheType.F16)
{
    /// <summary>A failed load with its reason.</summary>
    public static ModelLoadResult Failed(string error) => new(false, error, null, 0, 0, 0, 0);
}
