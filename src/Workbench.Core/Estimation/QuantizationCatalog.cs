using System.Globalization;

namespace Workbench.Core.Estimation;

/// <summary>
/// What a model would weigh at every common quantization, and whether each would fit: GGUF types with
/// llama-quantize's per-tensor mixes (<see cref="GgufQuantizationRecipe"/>), GPTQ and AWQ 4-bit with groups of 128,
/// and EXL2 at common bit rates.
/// </summary>
/// <remarks>
/// Needs the model's tensor list (<see cref="EstimationModel.Tensors"/>): from a GGUF file, or synthesized from an
/// architecture with <see cref="TransformerShape"/>. GPTQ/AWQ/EXL2 models run under other runtimes (ExLlamaV2,
/// vLLM, Transformers) whose caches and buffers differ; <see cref="Runtimes.RuntimeMemoryEstimator"/> judges each
/// option by its runtime's own accounting.
/// </remarks>
public static class QuantizationCatalog
{
    /// <summary>GGUF quantizations in the catalog, smallest first.</summary>
    public static IReadOnlyList<string> GgufLabels { get; } =
    [
        "IQ2_XXS", "IQ2_XS", "Q2_K", "IQ3_XXS", "Q3_K_S", "IQ3_S", "Q3_K_M", "Q3_K_L", "IQ4_XS", "IQ4_NL",
        "Q4_0", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16", "BF16",
    ];

    /// <summary>EXL2 bit rates in the catalog.</summary>
    public static IReadOnlyList<double> Exl2BitRates { get; } = [2.5, 3.0, 4.0, 5.0, 6.0, 8.0];

    /// <summary>GPTQ/AWQ group size in the catalog.</summary>
    public const int DefaultGroupSize = 128;

    /// <summary>ExLlamaV2's default bits for the output head.</summary>
    public const int DefaultExl2HeadBits = 6;

    /// <summary>Every quantization in the catalog, smallest first, without estimates.</summary>
    public static IReadOnlyList<QuantizationOption> Describe(EstimationModel model)
    {
        RequireTensors(model);
        var options = new List<QuantizationOption>(GgufOptions(model))
        {
            Gptq(model),
            Awq(model),
        };
        options.AddRange(Exl2BitRates.Select(bits => Exl2(model, bits)));
        return options.OrderBy(o => o.WeightBytes).ToList();
    }

    /// <summary>Every quantization in the catalog, smallest first, each with its memory estimate and verdict.</summary>
    public static IReadOnlyList<QuantizationOption> Describe(
        EstimationModel model, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long? availableRamBytes = null) =>
        Describe(model).Select(o => o with { Estimate = MemoryEstimator.Estimate(o.Model, settings, gpus, availableRamBytes, advise: false) }).ToList();

    /// <summary>
    /// The quantization an API id names: a GGUF type ("Q4_K_M"), "EXL2-4.65" (any rate from 2 to 8 bits),
    /// "GPTQ-4bit-g128" or "AWQ-4bit-g128" (groups of 32, 64 or 128); the labels the table shows are accepted too.
    /// </summary>
    /// <exception cref="ArgumentException">The id names no quantization this catalog can build; the message lists the forms.</exception>
    public static QuantizationOption Find(EstimationModel model, string id)
    {
        RequireTensors(model);
        ArgumentNullException.ThrowIfNull(id);
        var text = id.Trim();
        var upper = text.ToUpperInvariant().Replace(' ', '-');
        if (GgufQuantizationRecipe.IsKnown(upper))
        {
            return Gguf(model, upper);
        }

        if (upper.StartsWith("EXL2-", StringComparison.Ordinal))
        {
            var rate = upper[5..].Replace("-BPW", string.Empty, StringComparison.Ordinal).Replace("BPW", string.Empty, StringComparison.Ordinal);
            if (double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var bits) && bits is >= 2 and <= 8)
            {
                return Exl2(model, bits);
            }
        }

        foreach (var (prefix, gptq) in (ReadOnlySpan<(string, bool)>)[("GPTQ-4BIT-G", true), ("GPTQ-4-BIT-G", true), ("AWQ-4BIT-G", false), ("AWQ-4-BIT-G", false)])
        {
            if (upper.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(upper.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var group) && group is 32 or 64 or 128)
            {
                return gptq ? Gptq(model, group) : Awq(model, group);
            }
        }

        throw new ArgumentException(
            $"quant '{id}' is not a quantization this catalog builds; use a GGUF type ({string.Join(", ", GgufLabels)}), EXL2-<bits> with 2 to 8 bits (e.g. EXL2-4.65), GPTQ-4bit-g128 or AWQ-4bit-g128 (groups of 32, 64 or 128).",
            nameof(id));
    }

    /// <summary>The API id of an option: "Q4_K_M", "EXL2-4.0", "GPTQ-4bit-g128", "AWQ-4bit-g128".</summary>
    public static string IdOf(QuantizationOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return option.Format switch
        {
            QuantizationFormat.Exl2 => "EXL2-" + option.Label.Split(' ')[1],
            QuantizationFormat.Gptq or QuantizationFormat.Awq => option.Label.Replace("4-bit", "4bit", StringComparison.Ordinal).Replace(' ', '-'),
            _ => option.Label,
        };
    }

    /// <summary>The GGUF quantizations only, smallest first.</summary>
    public static IReadOnlyList<QuantizationOption> GgufOptions(EstimationModel model)
    {
        RequireTensors(model);
        return GgufLabels.Select(label => Gguf(model, label)).OrderBy(o => o.WeightBytes).ToList();
    }

    /// <summary>The model at GGUF quantization <paramref name="label"/> ("Q4_K_M", "Q8_0", "IQ4_XS" …).</summary>
    public static QuantizationOption Gguf(EstimationModel model, string label)
    {
        RequireTensors(model);
        ArgumentNullException.ThrowIfNull(label);
        if (!GgufQuantizationRecipe.IsKnown(label))
        {
            throw new ArgumentException($"'{label}' is not a quantization this catalog knows; known: {string.Join(", ", GgufLabels)}.", nameof(label));
        }

        return Option(model, label, QuantizationFormat.Gguf, GgufQuantizationRecipe.Apply(model, label));
    }

    /// <summary>GPTQ 4-bit: per matrix in × out / 2 packed weights, per group of inputs fp16 scales and int4 zeros, an int32 g_idx per input; the rest fp16.</summary>
    public static QuantizationOption Gptq(EstimationModel model, int groupSize = DefaultGroupSize) =>
        PackedInt4(model, groupSize, withGroupIndex: true);

    /// <summary>AWQ 4-bit: like GPTQ without g_idx.</summary>
    public static QuantizationOption Awq(EstimationModel model, int groupSize = DefaultGroupSize) =>
        PackedInt4(model, groupSize, withGroupIndex: false);

    /// <summary>EXL2 at an average of <paramref name="bitsPerWeight"/> for the block matrices (scales included), the output head at <paramref name="headBits"/>, embeddings and norms fp16.</summary>
    public static QuantizationOption Exl2(EstimationModel model, double bitsPerWeight, int headBits = DefaultExl2HeadBits)
    {
        RequireTensors(model);
        if (!(bitsPerWeight is > 0 and <= 16) || headBits is <= 0 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(bitsPerWeight), "EXL2 bit rates lie between 0 and 16.");
        }

        var tensors = model.Tensors.Select(t =>
        {
            var bits = t.Role == WeightRole.OutputHead ? headBits
                : t.Role == WeightRole.Layer && IsLinear(t) ? bitsPerWeight
                : 16;
            return t with { Type = null, Bytes = (long)Math.Ceiling(t.ElementCount * bits / 8) };
        }).ToList();
        var label = string.Create(CultureInfo.InvariantCulture, $"EXL2 {bitsPerWeight:0.0#} bpw");
        return Option(model, label, QuantizationFormat.Exl2, tensors);
    }

    private static QuantizationOption PackedInt4(EstimationModel model, int groupSize, bool withGroupIndex)
    {
        RequireTensors(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groupSize);
        var tensors = model.Tensors.Select(t =>
        {
            if (t.Role != WeightRole.Layer || !IsLinear(t))
            {
                return t with { Type = null, Bytes = t.ElementCount * 2 };
            }

            var inputs = t.RowLength;
            var outputs = t.ElementCount / Math.Max(1, inputs);
            var groups = (inputs + groupSize - 1) / groupSize;
            var bytes = inputs * outputs / 2        // qweight: 8 int4 per int32
                + groups * outputs / 2              // qzeros: int4, packed
                + groups * outputs * 2              // scales: fp16
                + (withGroupIndex ? inputs * 4 * t.Dimensions.Skip(2).Aggregate(1L, (a, b) => a * b) : 0); // g_idx per matrix
            return t with { Type = null, Bytes = bytes };
        }).ToList();
        var label = string.Create(CultureInfo.InvariantCulture, $"{(withGroupIndex ? "GPTQ" : "AWQ")} 4-bit g{groupSize}");
        return Option(model, label, withGroupIndex ? QuantizationFormat.Gptq : QuantizationFormat.Awq, tensors);
    }

    /// <summary>A weight matrix these formats quantize (not norms, biases or the router).</summary>
    private static bool IsLinear(WeightTensor tensor) => GgufQuantizationRecipe.IsQuantizable(tensor);

    private static QuantizationOption Option(EstimationModel model, string label, QuantizationFormat format, IReadOnlyList<WeightTensor> tensors)
    {
        var requantized = EstimationModel.WithTensors(model, tensors) with { WeightFormat = label };
        return new QuantizationOption(label, format, requantized.BitsPerWeight, requantized.TotalWeightBytes, requantized);
    }

    private static void RequireTensors(EstimationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Tensors.Count == 0)
        {
            throw new EstimationModelException(
                $"Model '{model.Name ?? model.Architecture}': hypothetical quantizations need the tensor list; read the model from GGUF or build it with {nameof(TransformerShape)}.");
        }
    }
}
