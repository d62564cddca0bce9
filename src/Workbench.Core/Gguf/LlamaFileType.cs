using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Workbench.Core.Gguf;

/// <summary>
/// The <c>general.file_type</c> values, numbered as llama.cpp's <c>enum llama_ftype</c>: which type most weights use.
/// Gaps (5, 6, 33–35) are file types llama.cpp removed.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "Member names mirror llama.cpp's quantization names (Q4_K_M …) as users see them in model file names.")]
public enum LlamaFileType
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyQ4_0 = 2,
    MostlyQ4_1 = 3,
    MostlyQ4_1SomeF16 = 4,
    MostlyQ8_0 = 7,
    MostlyQ5_0 = 8,
    MostlyQ5_1 = 9,
    MostlyQ2_K = 10,
    MostlyQ3_K_S = 11,
    MostlyQ3_K_M = 12,
    MostlyQ3_K_L = 13,
    MostlyQ4_K_S = 14,
    MostlyQ4_K_M = 15,
    MostlyQ5_K_S = 16,
    MostlyQ5_K_M = 17,
    MostlyQ6_K = 18,
    MostlyIQ2_XXS = 19,
    MostlyIQ2_XS = 20,
    MostlyQ2_K_S = 21,
    MostlyIQ3_XS = 22,
    MostlyIQ3_XXS = 23,
    MostlyIQ1_S = 24,
    MostlyIQ4_NL = 25,
    MostlyIQ3_S = 26,
    MostlyIQ3_M = 27,
    MostlyIQ2_S = 28,
    MostlyIQ2_M = 29,
    MostlyIQ4_XS = 30,
    MostlyIQ1_M = 31,
    MostlyBF16 = 32,
    MostlyTQ1_0 = 36,
    MostlyTQ2_0 = 37,
    MostlyMXFP4_MoE = 38,
    MostlyNVFP4 = 39,
    MostlyQ1_0 = 40,

    /// <summary>Not stored in files: llama.cpp's marker for a file type it guessed from the tensors.</summary>
    Guessed = 1024,
}

/// <summary>Short, familiar names for <see cref="LlamaFileType"/> values ("Q4_K_M", "F16" …).</summary>
public static class LlamaFileTypeNames
{
    private static readonly FrozenDictionary<LlamaFileType, string> Names = new Dictionary<LlamaFileType, string>
    {
        [LlamaFileType.AllF32] = "F32",
        [LlamaFileType.MostlyF16] = "F16",
        [LlamaFileType.MostlyQ4_0] = "Q4_0",
        [LlamaFileType.MostlyQ4_1] = "Q4_1",
        [LlamaFileType.MostlyQ4_1SomeF16] = "Q4_1_SOME_F16",
        [LlamaFileType.MostlyQ8_0] = "Q8_0",
        [LlamaFileType.MostlyQ5_0] = "Q5_0",
        [LlamaFileType.MostlyQ5_1] = "Q5_1",
        [LlamaFileType.MostlyQ2_K] = "Q2_K",
        [LlamaFileType.MostlyQ3_K_S] = "Q3_K_S",
        [LlamaFileType.MostlyQ3_K_M] = "Q3_K_M",
        [LlamaFileType.MostlyQ3_K_L] = "Q3_K_L",
        [LlamaFileType.MostlyQ4_K_S] = "Q4_K_S",
        [LlamaFileType.MostlyQ4_K_M] = "Q4_K_M",
        [LlamaFileType.MostlyQ5_K_S] = "Q5_K_S",
        [LlamaFileType.MostlyQ5_K_M] = "Q5_K_M",
        [LlamaFileType.MostlyQ6_K] = "Q6_K",
        [LlamaFileType.MostlyIQ2_XXS] = "IQ2_XXS",
        [LlamaFileType.MostlyIQ2_XS] = "IQ2_XS",
        [LlamaFileType.MostlyQ2_K_S] = "Q2_K_S",
        [LlamaFileType.MostlyIQ3_XS] = "IQ3_XS",
        [LlamaFileType.MostlyIQ3_XXS] = "IQ3_XXS",
        [LlamaFileType.MostlyIQ1_S] = "IQ1_S",
        [LlamaFileType.MostlyIQ4_NL] = "IQ4_NL",
        [LlamaFileType.MostlyIQ3_S] = "IQ3_S",
        [LlamaFileType.MostlyIQ3_M] = "IQ3_M",
        [LlamaFileType.MostlyIQ2_S] = "IQ2_S",
        [LlamaFileType.MostlyIQ2_M] = "IQ2_M",
        [LlamaFileType.MostlyIQ4_XS] = "IQ4_XS",
        [LlamaFileType.MostlyIQ1_M] = "IQ1_M",
        [LlamaFileType.MostlyBF16] = "BF16",
        [LlamaFileType.MostlyTQ1_0] = "TQ1_0",
        [LlamaFileType.MostlyTQ2_0] = "TQ2_0",
        [LlamaFileType.MostlyMXFP4_MoE] = "MXFP4_MOE",
        [LlamaFileType.MostlyNVFP4] = "NVFP4",
        [LlamaFileType.MostlyQ1_0] = "Q1_0",
        [LlamaFileType.Guessed] = "guessed",
    }.ToFrozenDictionary();

    /// <summary>True when <paramref name="value"/> is a file type llama.cpp defines.</summary>
    public static bool IsDefined(long value) =>
        value is >= 0 and <= int.MaxValue && Names.ContainsKey((LlamaFileType)value);

    /// <summary>"Q4_K_M" for 15, "F16" for 1; "unknown (n)" for a value llama.cpp does not define.</summary>
    public static string GetName(long value) =>
        value is >= 0 and <= int.MaxValue && Names.TryGetValue((LlamaFileType)value, out var name)
            ? name
            : $"unknown ({value})";

    public static string GetName(LlamaFileType fileType) => GetName((long)fileType);
}
