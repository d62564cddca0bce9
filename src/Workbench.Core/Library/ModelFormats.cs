using Workbench.Core.Formats;

namespace Workbench.Core.Library;

/// <summary>The library's format of a safetensors folder, from what the quantization classifier found in it.</summary>
public static class ModelFormats
{
    /// <summary>
    /// GPTQ, AWQ, EXL2 and MLX have their own formats (their own runtimes and catalog sizes); plain weights and the
    /// methods this library names but does not unpack (FP8, bitsandbytes …) are <see cref="ModelFormat.Safetensors"/>.
    /// </summary>
    public static ModelFormat ForSafetensors(QuantizationMethod method) => method switch
    {
        QuantizationMethod.Gptq => ModelFormat.Gptq,
        QuantizationMethod.Awq => ModelFormat.Awq,
        QuantizationMethod.Exl2 => ModelFormat.Exl2,
        QuantizationMethod.Mlx => ModelFormat.Mlx,
        _ => ModelFormat.Safetensors,
    };
}
