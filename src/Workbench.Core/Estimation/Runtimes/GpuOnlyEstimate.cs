using System.Globalization;

namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// What the GPU-only runtimes (ExLlamaV2, vLLM, Transformers) share: they hold the whole model on GPUs or fail to load,
/// so the verdict is "fits" or "does not fit", never a partial offload.
/// </summary>
internal static class GpuOnlyEstimate
{
    /// <summary>Contexts tried, largest first, when suggesting a shorter one.</summary>
    private static readonly int[] ShorterContexts = [65536, 32768, 16384, 8192, 4096, 2048];

    /// <summary>
    /// Checks what a GPU-only runtime's estimate is asked with (the settings are checked when given) and answers the
    /// refused estimate when it cannot run on <paramref name="gpus"/> at all; null when the estimate can go on.
    /// </summary>
    public static MemoryEstimate? Begin(InferenceRuntime runtime, EstimationModel model, RunSettings settings, RuntimeSettings? runtimeSettings, IReadOnlyList<GpuBudget> gpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gpus);
        model.Validate();
        settings.Validate();
        runtimeSettings?.Validate();
        return Refusal(runtime, gpus) is { } refusal ? Refused(runtime, model, settings, gpus, refusal) : null;
    }

    /// <summary>Why <paramref name="runtime"/> cannot use <paramref name="gpus"/> at all; null when it can.</summary>
    public static string? Refusal(InferenceRuntime runtime, IReadOnlyList<GpuBudget> gpus)
    {
        if (gpus.Count == 0)
        {
            return $"{runtime.DisplayName()} needs a GPU: it does not run on the CPU alone.";
        }

        // ExLlamaV2 and vLLM ship CUDA and ROCm kernels only; Transformers also runs on Apple's MPS.
        var foreign = gpus.FirstOrDefault(g => g.Vendor is GpuVendor.Apple or GpuVendor.Intel);
        return foreign is not null && runtime is InferenceRuntime.ExLlamaV2 or InferenceRuntime.Vllm
            ? $"{runtime.DisplayName()} runs on NVIDIA (CUDA) and AMD (ROCm) GPUs, not on {foreign.Name}."
            : null;
    }

    /// <summary>An estimate that says the runtime cannot run here at all.</summary>
    public static MemoryEstimate Refused(InferenceRuntime runtime, EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, string reason) => new()
    {
        Context = ContextShape.Resolve(model, settings),
        GpuLayers = 0,
        TotalLayers = model.LayerCount + 1,
        LayerDevices = Enumerable.Repeat(-1, model.LayerCount).ToArray(),
        OutputLayerDevice = -1,
        Gpus = gpus.Select((g, i) => new DeviceMemoryEstimate(i, g.Name, g.FreeBytes, 0, false, 0, 0, 0, 0)).ToList(),
        WeightsCpuBytes = 0,
        KvCacheCpuBytes = 0,
        ComputeCpuBytes = 0,
        OutputBufferBytes = 0,
        Verdict = new FitVerdict(FitKind.DoesNotFit, reason, []),
        Runtime = runtime,
    };

    /// <summary>The finished estimate: fits when every GPU holds its share and nothing else is short.</summary>
    /// <param name="shortfall">A reason it does not fit that comes before the GPUs' sizes (vLLM: it refuses to start, or its KV pool is too small); null when none.</param>
    /// <param name="suggest">Changes that would each make it fit; called only when it does not.</param>
    public static MemoryEstimate Complete(
        InferenceRuntime runtime,
        EstimationModel model,
        RunSettings settings,
        IReadOnlyList<int> layerDevices,
        int outputDevice,
        IReadOnlyList<DeviceMemoryEstimate> devices,
        long cpuWeightBytes,
        KvPoolCapacity? capacity,
        string? shortfall,
        Func<List<string>> suggest)
    {
        var name = runtime.DisplayName();
        FitVerdict verdict;
        if (shortfall is not null)
        {
            var tries = suggest();
            verdict = new FitVerdict(FitKind.DoesNotFit, WithTries(shortfall, tries), tries);
        }
        else if (devices.FirstOrDefault(d => !d.Fits) is { } over)
        {
            var tries = suggest();
            var need = $"In {name} it needs {ByteSize.Format(over.TotalBytes)} VRAM on {over.Name}, you have {ByteSize.Format(over.FreeBytes)} free";
            verdict = new FitVerdict(FitKind.DoesNotFit, WithTries(need, tries), tries);
        }
        else
        {
            var used = devices.Sum(d => d.TotalBytes);
            var free = devices.Sum(d => d.FreeBytes);
            verdict = new FitVerdict(FitKind.FitsFully, $"Runs fully on the GPU in {name}: {ByteSize.Format(used)} of {ByteSize.Format(free)} free VRAM.", []);
        }

        var shape = ContextShape.Resolve(model, settings);
        return new MemoryEstimate
        {
            Context = shape,
            GpuLayers = model.LayerCount + 1,
            TotalLayers = model.LayerCount + 1,
            LayerDevices = layerDevices,
            OutputLayerDevice = outputDevice,
            Gpus = devices,
            WeightsCpuBytes = cpuWeightBytes,
            KvCacheCpuBytes = 0,
            ComputeCpuBytes = 0,
            OutputBufferBytes = checked(model.VocabularySize * shape.Sequences * sizeof(float)),
            Verdict = verdict,
            Runtime = runtime,
            Capacity = capacity,
            Warnings = model.TrainingContextLength > 0 && shape.RequestedContext > model.TrainingContextLength * Math.Max(1, shape.Sequences)
                ? [string.Create(CultureInfo.InvariantCulture, $"A context of {shape.RequestedContext} tokens is longer than the {model.TrainingContextLength} the model was trained for.")]
                : [],
        };
    }

    /// <summary>What the blocks placed on device <paramref name="device"/> hold: their weights, their cache and how many there are.</summary>
    public static (long Weights, long Cache, int Layers) BlocksOn(int device, IReadOnlyList<int> layerDevices, IReadOnlyList<long> layerWeights, IReadOnlyList<long> layerCaches)
    {
        long weights = 0, cache = 0;
        var layers = 0;
        for (var layer = 0; layer < layerDevices.Count; layer++)
        {
            if (layerDevices[layer] == device)
            {
                layers++;
                weights += layerWeights[layer];
                cache += layerCaches[layer];
            }
        }

        return (weights, cache, layers);
    }

    /// <summary>"N context" for the longest standard context shorter than the current one that <paramref name="fits"/>; null when none.</summary>
    public static string? ShorterContext(RunSettings settings, Func<RunSettings, bool> fits)
    {
        var perSequence = (settings.ContextLength ?? int.MaxValue) / Math.Max(1, settings.ParallelSequences);
        foreach (var shorter in ShorterContexts)
        {
            if (shorter < perSequence && fits(settings with { ContextLength = checked(shorter * settings.ParallelSequences) }))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{shorter} context");
            }
        }

        return null;
    }

    /// <summary>
    /// Places blocks on GPUs in order, each GPU filled before the next is used, the output layer on the GPU of the
    /// last block or later: ExLlamaV2's autosplit (<c>load_autosplit_gen</c> in exllamav2/model.py) and accelerate's
    /// <c>device_map="auto"</c> both work this way. What does not fit goes to the last GPU, which then shows it is over.
    /// </summary>
    /// <param name="blockBytes">Weights and cache of each block.</param>
    /// <param name="outputBytes">The output layer.</param>
    /// <param name="fixedBytes">Per GPU, what it holds before any block (scratch, reserves, CUDA context).</param>
    public static (int[] LayerDevices, int OutputDevice) Sequential(IReadOnlyList<long> blockBytes, long outputBytes, IReadOnlyList<long> fixedBytes, IReadOnlyList<GpuBudget> gpus)
    {
        var devices = new int[blockBytes.Count];
        var device = 0;
        long used = fixedBytes[0];
        int Place(long bytes)
        {
            while (device < gpus.Count - 1 && used + bytes > gpus[device].FreeBytes)
            {
                device++;
                used = fixedBytes[device];
            }

            used += bytes;
            return device;
        }

        for (var i = 0; i < blockBytes.Count; i++)
        {
            devices[i] = Place(blockBytes[i]);
        }

        return (devices, Place(outputBytes));
    }

    private static string WithTries(string head, List<string> tries) =>
        tries.Count > 0 ? $"{head}: try {string.Join(" or ", tries)}" : head + ": use a smaller quantization or a smaller model";
}
