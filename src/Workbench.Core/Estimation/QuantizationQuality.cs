using System.Collections.Frozen;

namespace Workbench.Core.Estimation;

/// <summary>
/// How much a GGUF quantization raises perplexity, as llama.cpp publishes it in <c>llama-quantize</c>'s list of types
/// (<c>QUANT_OPTIONS</c> in tools/quantize/quantize.cpp, 2025): measured on Llama-3-8B (F16 and BF16 on Mistral-7B)
/// against the F16 model. A figure for one reference model: other models lose more or less, but the order holds.
/// The IQ types are published with their bits per weight only, so they have no figure here.
/// </summary>
/// <param name="PerplexityIncrease">Perplexity added, e.g. 0.1754 for Q4_K_M.</param>
/// <param name="ReferenceModel">The model it was measured on.</param>
public sealed record QuantizationQuality(double PerplexityIncrease, string ReferenceModel)
{
    private const string Llama3 = "Llama-3-8B";

    private static readonly FrozenDictionary<string, QuantizationQuality> Published = new Dictionary<string, QuantizationQuality>(StringComparer.Ordinal)
    {
        ["Q2_K"] = new(3.5199, Llama3),
        ["Q3_K_S"] = new(1.6321, Llama3),
        ["Q3_K_M"] = new(0.6569, Llama3),
        ["Q3_K_L"] = new(0.5562, Llama3),
        ["Q4_0"] = new(0.4685, Llama3),
        ["Q4_K_S"] = new(0.2689, Llama3),
        ["Q4_K_M"] = new(0.1754, Llama3),
        ["Q5_K_S"] = new(0.1049, Llama3),
        ["Q5_K_M"] = new(0.0569, Llama3),
        ["Q6_K"] = new(0.0217, Llama3),
        ["Q8_0"] = new(0.0026, Llama3),
        ["F16"] = new(0.0020, "Mistral-7B"),
        ["BF16"] = new(-0.0050, "Mistral-7B"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The published figure for a GGUF quantization; null for other formats and unpublished types.</summary>
    public static QuantizationQuality? For(QuantizationOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return option.Format == QuantizationFormat.Gguf && Published.TryGetValue(option.Label, out var quality) ? quality : null;
    }
}
