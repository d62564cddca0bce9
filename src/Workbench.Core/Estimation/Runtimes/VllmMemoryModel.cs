using System.Globalization;

namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// GPU memory of a model served by vLLM (V1 engine), following its own accounting:
/// <list type="bullet">
/// <item><c>Worker.determine_available_memory</c> (vllm/v1/worker/gpu_worker.py, v0.9): the KV cache gets
/// total memory × <c>gpu_memory_utilization</c> less the profiled peak, which is the weights, the activations of one
/// forward pass of <c>max_num_batched_tokens</c> tokens, the sampler's logits and allocations outside torch (CUDA
/// context, NCCL). Newer versions count only vLLM's own process and refuse to start when the GPU's free memory is
/// below the share (<c>Worker.init_device</c>: "Free memory on device … on startup is less than desired GPU memory
/// utilization"); that check is followed here, so memory held by other processes must fit beside the share.</item>
/// <item>The cache is paged: a block holds 16 tokens of one layer, 2 × 16 × kv_heads × head_size × 2 bytes in fp16
/// (<c>AttentionSpec.page_size_bytes</c>, vllm/v1/kv_cache_interface.py); a request of L tokens needs ⌈L / 16⌉ blocks
/// in every full-attention layer, and a sliding-window layer no more than ⌈(window − 1 + batched tokens) / 16⌉ + 1
/// (<c>SlidingWindowSpec.max_memory_usage_bytes</c>).</item>
/// <item>CUDA graphs: v0.9 captures them after the cache is sized (<c>compile_or_warm_up_model</c>), so they came on top
/// of the share; here they are taken out of the share instead, which keeps a fit from depending on the headroom above it
/// (a smaller KV pool, never a false "fits").</item>
/// <item>Several GPUs run tensor parallel: each holds 1/n of the weights and of the KV heads (at least one), with its own share.</item>
/// </list>
/// The activation peak is this model's own approximation of what the profiling pass measures (the largest
/// intermediate tensors of one layer plus the sampler's fp32 logits), not vLLM's figure.
/// </summary>
public static class VllmMemoryModel
{
    /// <summary>Tokens per KV block (vLLM's default <c>--block-size</c> on CUDA).</summary>
    public const int BlockSize = 16;

    /// <summary>Estimates <paramref name="model"/> (as GPTQ, AWQ or FP16 tensors) served by vLLM with <paramref name="settings"/>' context per request.</summary>
    public static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus) =>
        Estimate(model, settings, runtime, gpus, advise: true);

    /// <summary>
    /// Bytes the profiled forward pass of <paramref name="batchedTokens"/> tokens peaks at on one GPU of
    /// <paramref name="tensorParallel"/>, with the sampler's <paramref name="sequences"/> rows of logits.
    /// </summary>
    public static long ActivationPeakBytes(EstimationModel model, int batchedTokens, int sequences, int tensorParallel = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        long tokens = batchedTokens;
        long tp = Math.Max(1, tensorParallel);
        long hidden = model.EmbeddingLength;
        long q = (long)model.HeadCountPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long kv = (long)model.HeadCountKvPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long ff = model.FeedForwardLength > 0 ? model.FeedForwardLength : model.ExpertFeedForwardLength * Math.Max(1, model.ExpertUsedCount);
        // Residual and normed hidden states, the fused QKV output, the fused gate/up output and the activated product, in fp16.
        var layer = tokens * (2 * hidden + (q + 2 * kv) / tp + 3 * ff / tp) * 2;
        // The sampler's dummy run: logits of max_num_seqs rows in fp32, and their softmax.
        var sampler = Math.Min(sequences, tokens) * model.VocabularySize * sizeof(float) * 2;
        return layer + sampler;
    }

    /// <summary>KV bytes one request of <paramref name="tokens"/> tokens takes on one GPU (<paramref name="batchedTokens"/> bounds a sliding window's blocks).</summary>
    public static long RequestKvBytes(EstimationModel model, long tokens, int batchedTokens = 2048, int tensorParallel = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        long total = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            var blocks = (tokens + BlockSize - 1) / BlockSize;
            if (model.IsSlidingWindowLayer(layer))
            {
                var window = Math.Min(model.SlidingWindow - 1L + batchedTokens, tokens);
                blocks = Math.Min(blocks, (window + BlockSize - 1) / BlockSize + 1);
            }

            total = checked(total + blocks * PageBytes(model, layer, tensorParallel));
        }

        return total;
    }

    internal static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus, bool advise)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (GpuOnlyEstimate.Begin(InferenceRuntime.Vllm, model, settings, runtime, gpus) is { } refused)
        {
            return refused;
        }

        var tp = gpus.Count;
        var heads = model.HeadCountPerLayer.DefaultIfEmpty(0).Max();
        if (heads % tp != 0)
        {
            return GpuOnlyEstimate.Refused(InferenceRuntime.Vllm, model, settings, gpus, string.Create(CultureInfo.InvariantCulture,
                $"vLLM splits the model over GPUs by attention heads: {heads} heads do not divide by {tp} GPUs."));
        }

        var sequences = Math.Max(1, settings.ParallelSequences);
        var perRequest = (long)ContextShape.Resolve(model, settings).RequestedContext / sequences;
        var weights = model.TotalWeightBytes / tp;
        var (batched, samplerRows) = runtime.VllmBatchFor(gpus[0]);
        var activations = ActivationPeakBytes(model, batched, samplerRows, tp);
        var graphs = runtime.VllmEnforceEager ? 0 : runtime.VllmCudaGraphBytes;

        var devices = new List<DeviceMemoryEstimate>(tp);
        long pool = long.MaxValue;
        string? startRefusal = null;
        for (var d = 0; d < tp; d++)
        {
            var gpu = gpus[d];
            var share = (long)(gpu.CapacityBytes * runtime.GpuMemoryUtilization);
            var own = weights + activations + graphs + settings.RuntimeOverheadPerGpuBytes;
            pool = Math.Min(pool, Math.Max(0, share - own));
            if (share > gpu.FreeBytes)
            {
                startRefusal ??= $"vLLM refuses to start: {gpu.Name} has {ByteSize.Format(gpu.FreeBytes)} free, less than the {ByteSize.Format(share)} gpuMemoryUtilization asks for.";
            }
        }

        for (var d = 0; d < tp; d++)
        {
            // What vLLM takes: its share. A model that leaves no KV pool shows what it would need without one.
            var gpu = gpus[d];
            var own = weights + activations + graphs + settings.RuntimeOverheadPerGpuBytes;
            var taken = Math.Max(own, (long)(gpu.CapacityBytes * runtime.GpuMemoryUtilization));
            var kv = Math.Max(0, taken - own);
            devices.Add(new DeviceMemoryEstimate(d, gpu.Name, gpu.FreeBytes, model.LayerCount, true, weights, kv, activations + graphs, settings.RuntimeOverheadPerGpuBytes));
        }

        var oneRequest = RequestKvBytes(model, perRequest, batched, tp);
        var capacity = Capacity(model, batched, pool, perRequest, tp);
        string? shortfall = startRefusal;
        if (shortfall is null && devices.All(d => d.Fits))
        {
            if (pool <= 0)
            {
                shortfall = string.Create(CultureInfo.InvariantCulture,
                    $"In vLLM the weights and activations take all of gpuMemoryUtilization {runtime.GpuMemoryUtilization:0.##}: no memory is left for the KV cache");
            }
            else if (capacity.ConcurrentSequences < sequences)
            {
                shortfall = string.Create(CultureInfo.InvariantCulture,
                    $"In vLLM the KV cache holds {capacity.Tokens:N0} tokens; {sequences} × {perRequest:N0} tokens need {ByteSize.Format(oneRequest * sequences)}, it has {ByteSize.Format(pool)} (the longest request it holds is {capacity.MaxContextLength:N0} tokens)");
            }
        }

        var layerDevices = new int[model.LayerCount];
        return GpuOnlyEstimate.Complete(
            InferenceRuntime.Vllm, model, settings, layerDevices, 0, devices, 0, capacity, shortfall,
            () => advise ? Suggest(model, settings, runtime, gpus) : []);
    }

    private static long PageBytes(EstimationModel model, int layer, int tensorParallel)
    {
        var kvHeads = model.HeadCountKvPerLayer[layer];
        if (kvHeads == 0 || model.IsRecurrentLayer(layer))
        {
            return 0;
        }

        // KV heads are split over the GPUs, or replicated when there are fewer heads than GPUs.
        var perGpu = Math.Max(1, kvHeads / Math.Max(1, tensorParallel));
        return (long)BlockSize * perGpu * (model.KeyHeadLength + model.ValueHeadLength) * 2;
    }

    private static KvPoolCapacity Capacity(EstimationModel model, int batched, long pool, long perRequest, int tp)
    {
        long pageAllLayers = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            pageAllLayers += PageBytes(model, layer, tp);
        }

        var tokens = pageAllLayers > 0 && pool > 0 ? pool / pageAllLayers * BlockSize : 0;
        var limit = model.TrainingContextLength > 0 ? model.TrainingContextLength : long.MaxValue;

        // The longest request: binary search, since sliding-window layers stop growing at their window.
        long low = 0, high = Math.Min(limit, Math.Max(tokens, 1) * 64);
        while (low < high)
        {
            var mid = low + (high - low + 1) / 2;
            if (RequestKvBytes(model, mid, batched, tp) <= pool)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        var request = RequestKvBytes(model, Math.Max(1, perRequest), batched, tp);
        var concurrent = request > 0 && pool > 0 ? (double)pool / request : 0;
        return new KvPoolCapacity(Math.Max(0, pool), tokens, low / BlockSize * BlockSize, concurrent);
    }

    private static List<string> Suggest(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus)
    {
        bool Fits(RunSettings s, RuntimeSettings r) => Estimate(model, s, r, gpus, advise: false).Verdict.Kind == FitKind.FitsFully;
        var suggestions = new List<string>();
        foreach (var higher in (ReadOnlySpan<double>)[0.95, 0.98])
        {
            if (higher > runtime.GpuMemoryUtilization && Fits(settings, runtime with { GpuMemoryUtilization = higher }))
            {
                suggestions.Add(string.Create(CultureInfo.InvariantCulture, $"gpuMemoryUtilization {higher:0.00}"));
                break;
            }
        }

        if (GpuOnlyEstimate.ShorterContext(settings, s => Fits(s, runtime)) is { } shorter)
        {
            suggestions.Add(shorter);
        }

        return suggestions;
    }
}
