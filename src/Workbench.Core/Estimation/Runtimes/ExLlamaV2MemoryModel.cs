namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// GPU memory of a model loaded by ExLlamaV2 (and TabbyAPI, which loads through it), following exllamav2 v0.3.2:
/// <list type="bullet">
/// <item>Weights as stored (EXL2 or GPTQ tensors); the token embeddings stay in CPU RAM (<c>load_autosplit_gen</c> in
/// model.py puts module 0 on device -1), the output head and final norm go with the last block.</item>
/// <item>Cache: every layer holds the whole <c>max_seq_len</c>, no sliding-window saving (cache.py allocates
/// <c>shape_wk</c>/<c>shape_wv</c> per layer), sized by <see cref="Exl2CacheModes.BytesPerToken"/>; a quantized cache adds
/// one fp16 key and value tensor of a full layer per GPU (<c>ExLlamaV2Cache_Q.touch_device</c>, <c>temp_tensors</c>).</item>
/// <item>Fixed scratch per GPU: the largest <c>scratch_space_fixed()</c> of any module at <c>max_input_len</c> 2048
/// (config.py): an MLP's state and two intermediate buffers, an attention's state, and each linear layer's
/// dequantization buffer of up to <c>max_dq_size</c> = 512 Mi fp16 elements (linear.py <c>temp_dq_size</c>), the output
/// head's included.</item>
/// <item>The autosplit reserve: 192 MiB on the first GPU, 64 MiB on the others (<c>reserve_vram</c> default in model.py),
/// and the CUDA context (<see cref="RunSettings.RuntimeOverheadPerGpuBytes"/>).</item>
/// </list>
/// Parallel sequences share one cache of n × the window (TabbyAPI's <c>cache_size</c>), as llama.cpp's n_ctx does.
/// </summary>
public static class ExLlamaV2MemoryModel
{
    /// <summary>exllamav2 config.py: <c>max_input_len</c> = 2048 tokens per forward pass.</summary>
    public const int MaxInputLength = 2048;

    /// <summary>exllamav2 config.py: <c>max_dq_size</c> = 512 × 1024² elements dequantized at once.</summary>
    public const long MaxDequantElements = 512L * 1024 * 1024;

    /// <summary>model.py <c>reserve_vram</c> default on the first GPU.</summary>
    public const long FirstGpuReserveBytes = 192 * ByteSize.MiB;

    /// <summary>model.py <c>reserve_vram</c> default on every further GPU.</summary>
    public const long OtherGpuReserveBytes = 64 * ByteSize.MiB;

    /// <summary>Estimates <paramref name="model"/> (as EXL2 or GPTQ tensors) in ExLlamaV2 with <paramref name="runtime"/>'s cache mode.</summary>
    public static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus) =>
        Estimate(model, settings, runtime, gpus, advise: true);

    /// <summary>Bytes of the whole cache for <paramref name="tokens"/> tokens in <paramref name="mode"/>.</summary>
    public static long CacheBytes(EstimationModel model, Exl2CacheMode mode, long tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        long total = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            total = checked(total + LayerCacheBytes(model, mode, tokens, layer));
        }

        return total;
    }

    /// <summary>The largest fixed scratch of any module, allocated once per GPU (<c>ExLlamaV2DeviceContext</c>).</summary>
    public static long FixedScratchBytes(EstimationModel model, long tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        long input = Math.Min(MaxInputLength, Math.Max(1, tokens));
        long hidden = model.EmbeddingLength;
        long q = (long)model.HeadCountPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long kv = (long)model.HeadCountKvPerLayer.DefaultIfEmpty(0).Max() * model.KeyHeadLength;
        long ff = model.FeedForwardLength > 0 ? model.FeedForwardLength : model.ExpertFeedForwardLength;
        static long Dequant(long elements) => 2 * Math.Min(elements, MaxDequantElements);

        // attn.py: temp_state + temp_dq; mlp.py: temp_state + temp_a + temp_b + temp_dq; the head: its temp_dq.
        var attention = input * Math.Max(q, hidden) * 2 + 128 + Dequant(Math.Max(hidden * q, hidden * kv));
        var widest = Math.Max(hidden, ff);
        var mlp = input * hidden * 2 + 128 + 2 * (input * widest * 2 + 128) + Dequant(hidden * ff);
        var head = Dequant(hidden * model.VocabularySize);
        return Math.Max(attention, Math.Max(mlp, head));
    }

    internal static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus, bool advise)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (GpuOnlyEstimate.Begin(InferenceRuntime.ExLlamaV2, model, settings, runtime, gpus) is { } refused)
        {
            return refused;
        }

        var tokens = (long)ContextShape.Resolve(model, settings).RequestedContext;
        var mode = runtime.Exl2Cache;
        var blocks = new long[model.LayerCount];
        var caches = new long[model.LayerCount];
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            caches[layer] = LayerCacheBytes(model, mode, tokens, layer);
            blocks[layer] = model.LayerWeightBytes[layer] + caches[layer];
        }

        var scratch = FixedScratchBytes(model, tokens);
        var temp = mode == Exl2CacheMode.Fp16 ? 0 : TempTensorBytes(model, mode, tokens);
        long Fixed(int d) => scratch + temp + (d == 0 ? FirstGpuReserveBytes : OtherGpuReserveBytes) + settings.RuntimeOverheadPerGpuBytes;
        var fixedBytes = Enumerable.Range(0, gpus.Count).Select(Fixed).ToArray();
        var output = model.OutputHeadDeviceBytes + model.OtherWeightBytes;
        var (layerDevices, outputDevice) = GpuOnlyEstimate.Sequential(blocks, output, fixedBytes, gpus);

        var devices = new List<DeviceMemoryEstimate>(gpus.Count);
        for (var d = 0; d < gpus.Count; d++)
        {
            var (weights, kv, count) = GpuOnlyEstimate.BlocksOn(d, layerDevices, model.LayerWeightBytes, caches);
            var holdsOutput = outputDevice == d;
            weights += holdsOutput ? output : 0;
            var used = count > 0 || holdsOutput;
            devices.Add(new DeviceMemoryEstimate(
                d, gpus[d].Name, gpus[d].FreeBytes, count, holdsOutput, weights,
                used ? kv + (count > 0 ? temp : 0) : 0,
                used ? scratch + (d == 0 ? FirstGpuReserveBytes : OtherGpuReserveBytes) : 0,
                used ? settings.RuntimeOverheadPerGpuBytes : 0));
        }

        return GpuOnlyEstimate.Complete(
            InferenceRuntime.ExLlamaV2, model, settings, layerDevices, outputDevice, devices, model.InputEmbeddingBytes, null, null,
            () => advise ? Suggest(model, settings, runtime, gpus) : []);
    }

    private static long LayerCacheBytes(EstimationModel model, Exl2CacheMode mode, long tokens, int layer)
    {
        var kvHeads = model.HeadCountKvPerLayer[layer];
        if (kvHeads == 0 || model.IsRecurrentLayer(layer))
        {
            return 0;
        }

        var headDim = Math.Max(model.KeyHeadLength, model.ValueHeadLength);
        return checked(mode.CacheTokens(tokens, kvHeads, headDim) * mode.BytesPerToken(kvHeads, headDim));
    }

    /// <summary>The fp16 key and value tensors of one full layer that a quantized cache dequantizes into, per GPU.</summary>
    private static long TempTensorBytes(EstimationModel model, Exl2CacheMode mode, long tokens)
    {
        var kvHeads = model.HeadCountKvPerLayer.DefaultIfEmpty(0).Max();
        var headDim = Math.Max(model.KeyHeadLength, model.ValueHeadLength);
        return checked(2 * mode.CacheTokens(tokens, kvHeads, headDim) * kvHeads * headDim * 2);
    }

    private static List<string> Suggest(EstimationModel model, RunSettings settings, RuntimeSettings runtime, IReadOnlyList<GpuBudget> gpus)
    {
        bool Fits(RunSettings s, RuntimeSettings r) => Estimate(model, s, r, gpus, advise: false).Verdict.Kind == FitKind.FitsFully;
        var suggestions = new List<string>();
        foreach (var smaller in Exl2CacheModes.All.Where(m => m > runtime.Exl2Cache))
        {
            if (Fits(settings, runtime with { Exl2Cache = smaller }))
            {
                suggestions.Add($"{smaller.ApiName().ToUpperInvariant()} cache");
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
