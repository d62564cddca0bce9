namespace Workbench.Core.Estimation.Runtimes;

/// <summary>Estimates a quantization by the memory accounting of the runtime that would run it.</summary>
public static class RuntimeMemoryEstimator
{
    /// <summary>
    /// The estimate of <paramref name="model"/> stored as <paramref name="format"/> in <paramref name="runtime"/>.
    /// llama.cpp uses <see cref="MemoryEstimator"/> (with partial offload); the others hold everything on the GPUs.
    /// </summary>
    /// <exception cref="ArgumentException">The runtime does not load this format.</exception>
    public static MemoryEstimate Estimate(
        EstimationModel model,
        QuantizationFormat format,
        InferenceRuntime runtime,
        RunSettings settings,
        RuntimeSettings runtimeSettings,
        IReadOnlyList<GpuBudget> gpus,
        long? availableRamBytes = null,
        bool advise = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(runtimeSettings);
        if (!runtime.Loads(format))
        {
            throw new ArgumentException($"{runtime.DisplayName()} does not load {format} models; {string.Join(" or ", InferenceRuntimes.For(format).Select(r => r.DisplayName()))} does.", nameof(runtime));
        }

        return runtime switch
        {
            InferenceRuntime.LlamaCpp => MemoryEstimator.Estimate(model, settings, gpus, availableRamBytes, advise),
            InferenceRuntime.ExLlamaV2 => ExLlamaV2MemoryModel.Estimate(model, settings, runtimeSettings, gpus, advise),
            InferenceRuntime.Vllm => VllmMemoryModel.Estimate(model, settings, runtimeSettings, gpus, advise),
            InferenceRuntime.Transformers => TransformersMemoryModel.Estimate(model, settings, gpus, quantized: format is QuantizationFormat.Gptq or QuantizationFormat.Awq, advise),
            _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "Unknown runtime."),
        };
    }
}
