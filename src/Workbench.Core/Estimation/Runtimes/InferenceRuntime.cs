namespace Workbench.Core.Estimation.Runtimes;

/// <summary>The program a quantization is run by; each allocates memory its own way.</summary>
public enum InferenceRuntime
{
    /// <summary>llama.cpp (and LLamaSharp, Ollama, LM Studio): GGUF, layers split between GPU and CPU.</summary>
    LlamaCpp,

    /// <summary>ExLlamaV2 and TabbyAPI: EXL2 and GPTQ, GPU only, FP16/Q8/Q6/Q4 cache.</summary>
    ExLlamaV2,

    /// <summary>vLLM: GPTQ, AWQ and FP16/BF16; a share of each GPU pre-allocated, paged KV cache.</summary>
    Vllm,

    /// <summary>Hugging Face Transformers (with the AutoGPTQ/AutoAWQ kernels): FP16 KV cache grown as it fills.</summary>
    Transformers,
}

/// <summary>Names of <see cref="InferenceRuntime"/> in the API and on screen, and which formats each loads.</summary>
public static class InferenceRuntimes
{
    /// <summary>Every runtime, in the order the Compare page lists them.</summary>
    public static IReadOnlyList<InferenceRuntime> All { get; } =
        [InferenceRuntime.LlamaCpp, InferenceRuntime.ExLlamaV2, InferenceRuntime.Vllm, InferenceRuntime.Transformers];

    /// <summary>The API's name: "llamacpp", "exllamav2", "vllm", "transformers".</summary>
    public static string ApiName(this InferenceRuntime runtime) => runtime switch
    {
        InferenceRuntime.LlamaCpp => "llamacpp",
        InferenceRuntime.ExLlamaV2 => "exllamav2",
        InferenceRuntime.Vllm => "vllm",
        InferenceRuntime.Transformers => "transformers",
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "Unknown runtime."),
    };

    /// <summary>As people write it: "llama.cpp", "ExLlamaV2", "vLLM", "Transformers".</summary>
    public static string DisplayName(this InferenceRuntime runtime) => runtime switch
    {
        InferenceRuntime.LlamaCpp => "llama.cpp",
        InferenceRuntime.ExLlamaV2 => "ExLlamaV2",
        InferenceRuntime.Vllm => "vLLM",
        InferenceRuntime.Transformers => "Transformers",
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "Unknown runtime."),
    };

    /// <summary>Reads an API name (case-insensitive).</summary>
    public static bool TryParse(string? text, out InferenceRuntime runtime)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text, candidate.ApiName(), StringComparison.OrdinalIgnoreCase))
            {
                runtime = candidate;
                return true;
            }
        }

        runtime = default;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="runtime"/> loads <paramref name="format"/>: llama.cpp only GGUF; ExLlamaV2 its own EXL2,
    /// GPTQ and FP16 (exllamav2/linear.py loads all three); vLLM and Transformers GPTQ, AWQ and FP16.
    /// </summary>
    public static bool Loads(this InferenceRuntime runtime, QuantizationFormat format) => (runtime, format) switch
    {
        (InferenceRuntime.LlamaCpp, QuantizationFormat.Gguf) => true,
        (InferenceRuntime.ExLlamaV2, QuantizationFormat.Exl2 or QuantizationFormat.Gptq or QuantizationFormat.Safetensors) => true,
        (InferenceRuntime.Vllm or InferenceRuntime.Transformers, QuantizationFormat.Gptq or QuantizationFormat.Awq or QuantizationFormat.Safetensors) => true,
        _ => false,
    };

    /// <summary>The runtime a format is judged by when none is chosen: the one most people run it with.</summary>
    public static InferenceRuntime DefaultFor(QuantizationFormat format) => format switch
    {
        QuantizationFormat.Exl2 => InferenceRuntime.ExLlamaV2,
        QuantizationFormat.Gptq or QuantizationFormat.Awq or QuantizationFormat.Safetensors => InferenceRuntime.Vllm,
        _ => InferenceRuntime.LlamaCpp,
    };

    /// <summary>Every runtime that loads <paramref name="format"/>, the default first.</summary>
    public static IReadOnlyList<InferenceRuntime> For(QuantizationFormat format) =>
        [DefaultFor(format), .. All.Where(r => r != DefaultFor(format) && r.Loads(format))];
}
