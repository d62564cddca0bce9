using System.Globalization;

namespace Workbench.Core.Estimation;

/// <summary>
/// Estimates the memory a model needs under llama.cpp, where each part goes, how many layers fit on the GPUs,
/// and what to change when it does not fit.
/// </summary>
/// <remarks>
/// Placement follows llama.cpp's <c>llama_model::load_tensors</c> (since ggml-org/llama.cpp#18148, December 2025):
/// there are n_layer + 1 offloadable layers, the last being the output layer; <c>-ngl g</c> puts the last g of them
/// on GPUs, so the output layer (the largest tensor) is offloaded first. The token embeddings stay in CPU RAM.
/// With several GPUs, offloaded layer i (counted from the first offloaded one) goes to the first GPU whose cumulative
/// share of free memory exceeds i / g, llama.cpp's default tensor split. A layer's KV cache lives with the layer.
/// <para>
/// Compute buffers: each GPU holding blocks reserves one block's peak, the GPU with the output layer at least the
/// logits peak (<see cref="ComputeBufferSize"/>). When some blocks stay on the CPU, llama.cpp's op offload runs their
/// large-batch matrix products on GPU 0 and copies the weights there, so GPU 0 also reserves room for the largest
/// such tensor. With g = 0 no GPU is used (llama.cpp may still touch a GPU for prompt processing; not counted).
/// </para>
/// </remarks>
public static class MemoryEstimator
{
    /// <summary>Contexts tried, largest first, when suggesting a shorter one.</summary>
    private static readonly int[] SuggestedContexts = [131072, 65536, 32768, 16384, 8192, 4096, 2048];

    /// <summary>Estimates memory for <paramref name="model"/> run with <paramref name="settings"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="settings">Context, batch, cache types, GPU layers (null: the most that fit).</param>
    /// <param name="gpus">GPUs to use, in llama.cpp's device order; empty for CPU only.</param>
    /// <param name="availableRamBytes">RAM free for the model; null when unknown (RAM is then not judged).</param>
    public static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long? availableRamBytes = null) =>
        Estimate(model, settings, gpus, availableRamBytes, advise: true);

    internal static MemoryEstimate Estimate(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long? availableRamBytes, bool advise)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gpus);
        model.Validate();
        settings.Validate();
        if (gpus.Any(g => g.FreeBytes < 0))
        {
            throw new ArgumentException("A GPU cannot have negative free memory.", nameof(gpus));
        }

        var shape = ContextShape.Resolve(model, settings);
        var parts = new LayerParts(model, settings, shape);
        var slots = model.LayerCount + 1;
        int gpuLayers;
        if (gpus.Count == 0)
        {
            gpuLayers = 0;
        }
        else if (settings.GpuLayers is { } requested)
        {
            gpuLayers = requested < 0 || requested > slots ? slots : requested;
        }
        else
        {
            gpuLayers = slots;
            while (gpuLayers > 0 && !FitsWithMargin(Place(model, settings, shape, parts, gpus, gpuLayers), settings.AutoFitMarginBytes))
            {
                gpuLayers--;
            }
        }

        var placed = Place(model, settings, shape, parts, gpus, gpuLayers);
        var verdict = Judge(model, settings, gpus, availableRamBytes, placed, advise);
        return placed with { Verdict = verdict, Warnings = Warnings(model, settings, shape), Correction = settings.Correction };
    }

    /// <summary>Places the last <paramref name="gpuLayers"/> of the n_layer + 1 layers on the GPUs and sums each part.</summary>
    private static MemoryEstimate Place(EstimationModel model, RunSettings settings, ContextShape shape, LayerParts parts, IReadOnlyList<GpuBudget> gpus, int gpuLayers)
    {
        var layerCount = model.LayerCount;
        var firstGpuSlot = layerCount + 1 - gpuLayers;
        var splits = CumulativeSplits(gpus);

        int DeviceOf(int slot)
        {
            if (slot < firstGpuSlot || gpus.Count == 0)
            {
                return -1;
            }

            // std::upper_bound(splits, (float)(slot - start) / act_gpu_layers), as llama.cpp does it.
            var x = (float)(slot - firstGpuSlot) / gpuLayers;
            var device = 0;
            while (device < splits.Length && splits[device] <= x)
            {
                device++;
            }

            return Math.Min(device, gpus.Count - 1);
        }

        var layerDevices = Enumerable.Range(0, layerCount).Select(DeviceOf).ToArray();
        var outputDevice = DeviceOf(layerCount);
        var cpuLayers = layerDevices.Count(d => d < 0);

        var correction = settings.Correction;
        long Weights(long bytes) => correction?.Weights(bytes) ?? bytes;
        long Kv(int layer) => parts.KvCache[layer];
        var layerPeak = parts.LayerPeak;
        var outputPeak = parts.OutputPeak;
        var weightCopy = cpuLayers > 0 && shape.MicroBatch >= OpOffloadMinBatch ? parts.LargestCpuLayerTensor(layerDevices) : 0;

        var devices = new List<DeviceMemoryEstimate>(gpus.Count);
        for (var d = 0; d < gpus.Count; d++)
        {
            long weights = 0, kv = 0, compute = 0;
            var blocks = 0;
            for (var layer = 0; layer < layerCount; layer++)
            {
                if (layerDevices[layer] == d)
                {
                    blocks++;
                    weights += Weights(model.LayerWeightBytes[layer]);
                    kv += Kv(layer);
                }
            }

            var holdsOutput = outputDevice == d;
            if (blocks > 0)
            {
                compute = layerPeak;
            }

            if (holdsOutput)
            {
                weights += Weights(model.OutputHeadDeviceBytes + model.OtherWeightBytes);
                compute = Math.Max(compute, outputPeak);
            }

            if (d == 0 && gpuLayers > 0)
            {
                compute += weightCopy;
            }

            var used = blocks > 0 || holdsOutput;
            devices.Add(new DeviceMemoryEstimate(
                d, gpus[d].Name, gpus[d].FreeBytes, blocks, holdsOutput, weights, kv, compute, used ? settings.RuntimeOverheadPerGpuBytes : 0));
        }

        long cpuWeights = Weights(model.InputEmbeddingBytes), cpuKv = 0;
        for (var layer = 0; layer < layerCount; layer++)
        {
            if (layerDevices[layer] < 0)
            {
                cpuWeights += Weights(model.LayerWeightBytes[layer]);
                cpuKv += Kv(layer);
            }
        }

        if (outputDevice < 0)
        {
            // Tied embeddings are used in place on the CPU: no second copy.
            cpuWeights += Weights(model.OutputHeadBytes + model.OtherWeightBytes);
        }

        var cpuCompute = gpuLayers == 0
            ? parts.CpuOnlyCompute
            : parts.HostInputs + (cpuLayers > 0 ? layerPeak : 0);

        return new MemoryEstimate
        {
            Context = shape,
            GpuLayers = gpuLayers,
            TotalLayers = layerCount + 1,
            LayerDevices = layerDevices,
            OutputLayerDevice = outputDevice,
            Gpus = devices,
            WeightsCpuBytes = cpuWeights,
            KvCacheCpuBytes = cpuKv,
            ComputeCpuBytes = cpuCompute,
            OutputBufferBytes = checked(model.VocabularySize * shape.Sequences * sizeof(float)),
            Verdict = new FitVerdict(FitKind.CpuOnly, string.Empty, []),
        };
    }

    /// <summary>ggml's CUDA backend offloads an op on host weights only for batches of at least this many tokens.</summary>
    private const int OpOffloadMinBatch = 32;

    /// <summary>
    /// The parts of an estimate that do not depend on how many layers are offloaded, worked out once per estimate
    /// rather than once per layer count tried (each with the measured correction applied).
    /// </summary>
    private sealed class LayerParts
    {
        private readonly Lazy<long[]> _largestTensor;
        private readonly Lazy<long> _cpuOnly;
        private readonly Lazy<long> _hostInputs;

        public LayerParts(EstimationModel model, RunSettings settings, ContextShape shape)
        {
            var correction = settings.Correction;
            long Compute(long bytes) => correction?.Compute(bytes) ?? bytes;
            KvCache = new long[model.LayerCount];
            for (var layer = 0; layer < model.LayerCount; layer++)
            {
                var kv = KvCacheSize.ForLayer(model, settings, shape, layer);
                KvCache[layer] = correction?.KvCache(kv) ?? kv;
            }

            LayerPeak = Compute(ComputeBufferSize.LayerPeak(model, settings, shape));
            OutputPeak = Compute(ComputeBufferSize.OutputPeak(model, settings, shape));
            // Only asked for when nothing is offloaded (or something is), so worked out when first asked for.
            // One estimate runs on one thread: no locking needed.
            _cpuOnly = new Lazy<long>(() => Compute(ComputeBufferSize.CpuOnly(model, settings, shape)), LazyThreadSafetyMode.None);
            _hostInputs = new Lazy<long>(() => Compute(ComputeBufferSize.HostInputs(model, shape)), LazyThreadSafetyMode.None);
            _largestTensor = new Lazy<long[]>(() => LargestPerLayer(model), LazyThreadSafetyMode.None);
        }

        public long[] KvCache { get; }

        public long LayerPeak { get; }

        public long OutputPeak { get; }

        public long CpuOnlyCompute => _cpuOnly.Value;

        public long HostInputs => _hostInputs.Value;

        /// <summary>The largest matrix of the blocks left on the CPU; 0 when none is.</summary>
        public long LargestCpuLayerTensor(int[] layerDevices)
        {
            var perLayer = _largestTensor.Value;
            long largest = 0;
            for (var layer = 0; layer < layerDevices.Length; layer++)
            {
                if (layerDevices[layer] < 0)
                {
                    largest = Math.Max(largest, perLayer[layer]);
                }
            }

            return largest;
        }

        /// <summary>Per block, its largest matrix: what op offload copies to GPU 0 when that block stays on the CPU.</summary>
        private static long[] LargestPerLayer(EstimationModel model)
        {
            var largest = new long[model.LayerCount];
            if (model.Tensors.Count > 0)
            {
                foreach (var t in model.Tensors)
                {
                    if (t.Role == WeightRole.Layer && t.Layer < largest.Length && t.Dimensions.Count >= 2)
                    {
                        largest[t.Layer] = Math.Max(largest[t.Layer], t.Bytes);
                    }
                }
            }
            else
            {
                // Without the tensor list: the largest of a block's matrices is about a third of it (a feed-forward matrix).
                for (var layer = 0; layer < model.LayerCount; layer++)
                {
                    largest[layer] = model.LayerWeightBytes[layer] / 3;
                }
            }

            return largest;
        }
    }

    private static float[] CumulativeSplits(IReadOnlyList<GpuBudget> gpus)
    {
        var splits = new float[gpus.Count];
        var total = gpus.Sum(g => (double)g.FreeBytes);
        double sum = 0;
        for (var i = 0; i < gpus.Count; i++)
        {
            sum += total > 0 ? gpus[i].FreeBytes : 1;
            splits[i] = (float)(sum / (total > 0 ? total : gpus.Count));
        }

        return splits;
    }

    private static bool FitsWithMargin(MemoryEstimate estimate, long margin) =>
        estimate.Gpus.All(d => d.TotalBytes <= d.FreeBytes - margin);

    private static FitVerdict Judge(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long? ram, MemoryEstimate placed, bool advise)
    {
        var over = placed.Gpus.FirstOrDefault(d => !d.Fits);
        var ramShort = ram is { } r && placed.TotalRamBytes > r;
        var freeVram = gpus.Sum(g => g.FreeBytes);

        if (over is not null)
        {
            var need = $"needs {ByteSize.Format(over.TotalBytes)} VRAM on {over.Name}, you have {ByteSize.Format(over.FreeBytes)} free";
            var tries = advise ? SuggestForGpu(model, settings, gpus) : [];
            var fittable = advise ? Fittable(model, settings, gpus) : 0;
            if (fittable > 0)
            {
                tries.Add(string.Create(CultureInfo.InvariantCulture, $"{fittable} GPU layers"));
            }

            return new FitVerdict(FitKind.DoesNotFit, WithTries(Capitalize(need), tries, ": use a smaller quantization or a smaller model"), tries);
        }

        if (ramShort)
        {
            var cpuBlocks = placed.LayerDevices.Count(d => d < 0);
            var what = placed.GpuLayers == 0 || cpuBlocks == 0 ? "Needs"
                : string.Create(CultureInfo.InvariantCulture, $"With {cpuBlocks} layers on the CPU it needs");
            var need = $"{what} {ByteSize.Format(placed.TotalRamBytes)} RAM, you have {ByteSize.Format(ram!.Value)}";
            var tries = advise ? SuggestForRam(model, settings, gpus, ram.Value) : [];
            return new FitVerdict(FitKind.DoesNotFit, WithTries(need, tries, ": use a smaller quantization or a smaller model"), tries);
        }

        if (gpus.Count > 0 && placed.GpuLayers == placed.TotalLayers)
        {
            return new FitVerdict(
                FitKind.FitsFully,
                $"Runs fully on the GPU: {ByteSize.Format(placed.TotalGpuBytes)} of {ByteSize.Format(freeVram)} free VRAM.",
                []);
        }

        if (gpus.Count == 0)
        {
            return new FitVerdict(FitKind.CpuOnly, $"Runs on the CPU only: needs {ByteSize.Format(placed.TotalRamBytes)} RAM.", []);
        }

        var full = Estimate(model, settings with { GpuLayers = -1 }, gpus, null, advise: false);
        var kind = placed.GpuLayers > 0 ? FitKind.PartialOffload : FitKind.CpuOnly;
        if (settings.GpuLayers is not null && FitsWithMargin(full, settings.AutoFitMarginBytes))
        {
            // The user chose fewer GPU layers than fit: say so rather than blame the GPU.
            var all = string.Create(CultureInfo.InvariantCulture, $"{placed.TotalLayers} GPU layers");
            var chosen = string.Create(CultureInfo.InvariantCulture, $"{placed.GpuLayers} of {placed.TotalLayers} layers on the GPU as set");
            return new FitVerdict(
                kind,
                $"{chosen}; all would fit ({ByteSize.Format(full.TotalGpuBytes)} of {ByteSize.Format(freeVram)} free VRAM): try {all}",
                [all]);
        }

        var fullNeed = $"to run fully on the GPU it needs {ByteSize.Format(full.TotalGpuBytes)} VRAM, you have {ByteSize.Format(freeVram)}";
        var suggestions = advise ? SuggestForGpu(model, settings, gpus) : [];
        if (placed.GpuLayers > 0)
        {
            var head = string.Create(CultureInfo.InvariantCulture,
                $"Partial offload: {placed.GpuLayers} of {placed.TotalLayers} layers on the GPU, the rest on the CPU (much slower); {fullNeed}");
            return new FitVerdict(kind, WithTries(head, suggestions, "."), suggestions);
        }

        var why = settings.GpuLayers == 0 ? "GPU layers are set to 0" : "nothing fits on the GPU";
        return new FitVerdict(kind, WithTries($"Runs on the CPU only: {why}; {fullNeed}", suggestions, "."), suggestions);
    }

    /// <summary>"… : try A or B or C" when there are suggestions, else the fallback ending.</summary>
    private static string WithTries(string head, List<string> tries, string otherwise) =>
        tries.Count > 0 ? $"{head}: try {string.Join(" or ", tries)}" : head + otherwise;

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static int Fittable(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus) =>
        Estimate(model, settings with { GpuLayers = null }, gpus, null, advise: false).GpuLayers;

    /// <summary>Changes that each make the whole model fit on the GPUs (with the auto-fit margin), best first.</summary>
    private static List<string> SuggestForGpu(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus)
    {
        bool FitsFully(EstimationModel m, RunSettings s) =>
            FitsWithMargin(Estimate(m, s with { GpuLayers = -1 }, gpus, null, advise: false), settings.AutoFitMarginBytes);

        return Suggest(model, settings, FitsFully);
    }

    /// <summary>Changes that each bring RAM use within <paramref name="ram"/> (GPU layers chosen automatically).</summary>
    private static List<string> SuggestForRam(EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long ram)
    {
        bool FitsRam(EstimationModel m, RunSettings s)
        {
            var e = Estimate(m, s with { GpuLayers = null }, gpus, null, advise: false);
            return e.TotalRamBytes <= ram && e.Gpus.All(d => d.Fits);
        }

        return Suggest(model, settings, FitsRam);
    }

    private static List<string> Suggest(EstimationModel model, RunSettings settings, Func<EstimationModel, RunSettings, bool> fits)
    {
        var suggestions = new List<string>();

        // Without flash attention the attention scores alone take n_head × n_ctx × n_ubatch floats.
        if (!settings.FlashAttention && fits(model, settings with { FlashAttention = true }))
        {
            suggestions.Add("flash attention");
        }

        // A quantized V cache needs flash attention in llama.cpp, so the suggestion turns it on too.
        foreach (var cache in (ReadOnlySpan<KvCacheType>)[KvCacheType.Q8_0, KvCacheType.Q4_0])
        {
            var smaller = cache.RowBytes(256) < settings.KeyCacheType.RowBytes(256) || cache.RowBytes(256) < settings.ValueCacheType.RowBytes(256);
            if (smaller && fits(model, settings with { KeyCacheType = cache, ValueCacheType = cache, FlashAttention = true }))
            {
                suggestions.Add(settings.FlashAttention ? $"{cache.DisplayName()} KV cache" : $"{cache.DisplayName()} KV cache with flash attention");
                break;
            }
        }

        var context = ContextShape.Resolve(model, settings).RequestedContext;
        foreach (var shorter in SuggestedContexts)
        {
            if (shorter < context && fits(model, settings with { ContextLength = shorter }))
            {
                suggestions.Add(string.Create(CultureInfo.InvariantCulture, $"{shorter} context"));
                break;
            }
        }

        if (model.Tensors.Count > 0)
        {
            var current = model.TotalWeightBytes;
            var smallerQuant = QuantizationCatalog.GgufOptions(model)
                .Where(o => o.WeightBytes < current * 0.97)
                .OrderByDescending(o => o.WeightBytes)
                .FirstOrDefault(o => fits(o.Model, settings));
            if (smallerQuant is not null)
            {
                suggestions.Add(smallerQuant.Label);
            }
        }

        return suggestions;
    }

    private static List<string> Warnings(EstimationModel model, RunSettings settings, ContextShape shape)
    {
        var warnings = new List<string>();
        if (model.TrainingContextLength > 0 && shape.RequestedContext > model.TrainingContextLength)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"A context of {shape.RequestedContext} tokens is longer than the {model.TrainingContextLength} the model was trained for; answers degrade beyond it unless RoPE scaling is set."));
        }

        return warnings;
    }
}
