namespace Workbench.Core.Formats;

/// <summary>How the weights of a safetensors model are quantized.</summary>
public enum QuantizationMethod
{
    /// <summary>Not quantized: plain FP16/BF16/FP32 weights.</summary>
    None,

    /// <summary>GPTQ (AutoGPTQ / GPTQModel): int32 <c>qweight</c> packed along in_features, with <c>qzeros</c>, <c>scales</c>, <c>g_idx</c>.</summary>
    Gptq,

    /// <summary>AWQ (AutoAWQ): int32 <c>qweight</c> packed along out_features (GEMM) or in_features (GEMV), with <c>qzeros</c>, <c>scales</c>.</summary>
    Awq,

    /// <summary>EXL2 (ExLlamaV2): mixed-bit <c>q_weight</c> with <c>q_scale</c>, <c>q_scale_max</c>, <c>q_groups</c>, <c>q_invperm</c>.</summary>
    Exl2,

    /// <summary>MLX (Apple): uint32 <c>weight</c> packed along in_features, with <c>scales</c> and <c>biases</c>.</summary>
    Mlx,

    /// <summary>A method this library names but does not unpack (fp8, bitsandbytes, compressed-tensors …).</summary>
    Other,
}
