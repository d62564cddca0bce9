namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// GPU memory of a model run by Hugging Face Transformers' <c>generate</c> (v4.5x), with the AutoGPTQ/AutoAWQ kernels
/// for quantized weights:
/// <list type="bullet">
/// <item>Weights as stored, embeddings included; a tied output head shares them. Several GPUs are filled in order
/// (accelerate's <c>device_map="auto"</c>).</item>
/// <item>KV cache: <c>DynamicCache</c> keeps keys and values of every layer in the model's fp16/bf16 dtype for every
/// token and grows by <c>torch.cat</c> (cache_utils.py, <c>DynamicLayer.update</c>), so a layer's cache is briefly held
/// twice. Sliding windows are not counted as saving memory (conservative: only some cache classes do).</item>
/// <item>Activations: the prompt is prefilled in one forward pass, so a layer's intermediate tensors (hidden states,
/// the QKV projections, gate, up and their product) for every prompt token are live at once; SDPA attention keeps no
/// n² score matrix. Only the last position's logits are computed (<c>logits_to_keep=1</c> in generation/utils.py), in fp32.</item>
/// <item>GPTQ/AWQ kernels dequantize a weight matrix to fp16 for long inputs: one scratch of the largest matrix.</item>
/// <item>The CUDA context (<see cref="RunSettings.RuntimeOverheadPerGpuBytes"/>).</item>
/// </list>
/// </summary>
public static class TransformersMemoryModel
{
    /// <summary>Estimates <paramref name="model"/> in Transformers; <paramref name="quantized"/> adds the dequantization scratch.</summary>
    public static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, bool quantized) =>
        Estimate(model, settings, gpus, quantized, advise: true);

    /// <summary>Bytes of one layer's live activations while prefilling <paramref name="tokens"/> tokens.</summary>
    public static long ActivationPeakBytes(EstimationModel model, long tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        long hidden = model.EmbeddingLength;
        long q = (long)model.HeadCountPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long kv = (long)model.HeadCountKvPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long ff = model.FeedForwardLength > 0 ? model.FeedForwardLength : model.ExpertFeedForwardLength * Math.Max(1, model.ExpertUsedCount);
        return checked(tokens * (2 * hidden + q + 2 * kv + 3 * ff) * 2);
    }

    internal static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, bool quantized, bool advise)
    {
        if (GpuOnlyEstimate.Begin(InferenceRuntime.Transformers, model, settings, null, gpus) is { } refused)
        {
            return refused;
        }

        var shape = ContextShape.Resolve(model, settings);
        long tokens = shape.RequestedContext;
        var caches = new long[model.LayerCount];
        var blocks = new long[model.LayerCount];
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            caches[layer] = model.IsRecurrentLayer(layer) ? 0 : checked(tokens * (model.KeyValuesPerToken(layer) + model.ValueValuesPerToken(layer)) * 2);
            blocks[layer] = model.LayerWeightBytes[layer] + caches[layer];
        }

        var growth = caches.DefaultIfEmpty(0).Max();
        var compute = ActivationPeakBytes(model, tokens) + (quantized ? LargestMatrixBytes(model) : 0);
        var logits = (long)shape.Sequences * model.VocabularySize * sizeof(float);
        var fixedBytes = Enumerable.Range(0, gpus.Count)
            .Select(d => compute + growth + settings.RuntimeOverheadPerGpuBytes + (d == 0 ? model.InputEmbeddingBytes : 0))
            .ToArray();
        var output = (model.OutputTiedToEmbeddings ? 0 : model.OutputHeadBytes) + model.OtherWeightBytes;
        var (layerDevices, outputDevice) = GpuOnlyEstimate.Sequential(blocks, output + logits, fixedBytes, gpus);

        var devices = new List<DeviceMemoryEstimate>(gpus.Count);
        for (var d = 0; d < gpus.Count; d++)
        {
            var (weights, kv, count) = GpuOnlyEstimate.BlocksOn(d, layerDevices, model.LayerWeightBytes, caches);
            weights += d == 0 ? model.InputEmbeddingBytes : 0;
            var holdsOutput = outputDevice == d;
            weights += holdsOutput ? output : 0;
            var used = count > 0 || holdsOutput || d == 0;
            devices.Add(new DeviceMemoryEstimate(
                d, gpus[d].Name, gpus[d].FreeBytes, count, holdsOutput, weights,
                kv + (count > 0 ? growth : 0),
                used ? compute + (holdsOutput ? logits : 0) : 0,
                used ? settings.RuntimeOverheadPerGpuBytes : 0));
        }

        return GpuOnlyEstimate.Complete(
            InferenceRuntime.Transformers, model, settings, layerDevices, outputDevice, devices, 0, null, null,
            () => advise && GpuOnlyEstimate.ShorterContext(settings, s => Estimate(model, s, gpus, quantized, advise: false).Verdict.Kind == FitKind.FitsFully) is { } shorter
                ? [shorter]
                : []);
    }

    /// <summary>fp16 bytes of the largest weight matrix of a block (one expert's share for stacked experts).</summary>
    private static long LargestMatrixBytes(EstimationModel model) => model.Tensors
        .Where(t => t.Role == WeightRole.Layer && t.Dimensions.Count >= 2)
        .Select(t => t.ElementCount / (t.IsRoutedExperts ? Math.Max(1, model.ExpertCount) : 1) * 2)
        .DefaultIfEmpty(0)
        .Max();
}
