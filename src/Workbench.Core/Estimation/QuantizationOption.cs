namespace Workbench.Core.Estimation;

/// <summary>File formats a hypothetical quantization is described in.</summary>
public enum QuantizationFormat
{
    /// <summary>llama.cpp GGUF (k-quants, i-quants, legacy quants, F16/BF16).</summary>
    Gguf,

    /// <summary>GPTQ: packed int4 with per-group fp16 scales, int4 zeros and an int32 g_idx per input channel.</summary>
    Gptq,

    /// <summary>AWQ: packed int4 with per-group fp16 scales and int4 zeros.</summary>
    Awq,

    /// <summary>ExLlamaV2 EXL2: a target average bits per weight, the output head at its own bit width.</summary>
    Exl2,

    /// <summary>Hugging Face safetensors left in FP16/BF16 (a library model's own weights; the catalog builds none).</summary>
    Safetensors,
}

/// <summary>One way to store a model, with its size and (when asked for) how it would run.</summary>
/// <param name="Label">As users know it: "Q4_K_M", "GPTQ 4-bit g128", "EXL2 4.0 bpw".</param>
/// <param name="Format">File format.</param>
/// <param name="BitsPerWeight">All weight bytes × 8 / parameters, embeddings and head included.</param>
/// <param name="WeightBytes">All weight bytes.</param>
/// <param name="Model">The model as it would be stored, for further estimates.</param>
/// <param name="Estimate">Memory and verdict for the settings and GPUs given to the catalog; null when none were given.</param>
public sealed record QuantizationOption(
    string Label,
    QuantizationFormat Format,
    double BitsPerWeight,
    long WeightBytes,
    EstimationModel Model,
    MemoryEstimate? Estimate = null);
