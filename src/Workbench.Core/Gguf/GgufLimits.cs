namespace Workbench.Core.Gguf;

/// <summary>Limits of the GGUF format (and of llama.cpp's reader) that the reader and writer enforce.</summary>
public static class GgufLimits
{
    /// <summary>Alignment of tensor data when <c>general.alignment</c> is absent.</summary>
    public const uint DefaultAlignment = 32;

    /// <summary>Most dimensions a tensor may have (ggml <c>GGML_MAX_DIMS</c>).</summary>
    public const int MaxDimensions = 4;

    /// <summary>Longest tensor name in UTF-8 bytes allowed by the GGUF specification.</summary>
    public const int MaxTensorNameBytes = 64;

    /// <summary>Longest metadata key in UTF-8 bytes allowed by the GGUF specification.</summary>
    public const int MaxKeyBytes = 65_535;

    /// <summary>How deeply arrays of arrays may nest before the reader refuses the file.</summary>
    public const int MaxArrayNesting = 16;
}
