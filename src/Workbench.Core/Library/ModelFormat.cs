namespace Workbench.Core.Library;

/// <summary>How a model's weights are stored.</summary>
public enum ModelFormat
{
    /// <summary>A GGUF file (or split set), as llama.cpp, LM Studio and Ollama use.</summary>
    Gguf,

    /// <summary>
    /// Hugging Face safetensors with unquantized weights (FP16/BF16/FP32), or with a quantization this library names but
    /// does not unpack (the quant label says which, e.g. "FP8", "BITSANDBYTES 4-bit").
    /// </summary>
    Safetensors,

    /// <summary>GPTQ-quantized safetensors.</summary>
    Gptq,

    /// <summary>AWQ-quantized safetensors.</summary>
    Awq,

    /// <summary>EXL2 (ExLlamaV2) safetensors.</summary>
    Exl2,

    /// <summary>MLX-quantized safetensors (Apple silicon; LM Studio stores them beside GGUF models).</summary>
    Mlx,
}
