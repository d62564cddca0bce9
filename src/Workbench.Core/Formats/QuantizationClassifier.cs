using System.Globalization;

namespace Workbench.Core.Formats;

/// <summary>
/// What a safetensors model's quantization comes to: method, a label as users know it ("GPTQ 4-bit g128",
/// "AWQ 4-bit g128", "EXL2 4.65 bpw", "BF16"), the logical parameter count and the effective bits per weight.
/// </summary>
public sealed record QuantizationClassification
{
    public required QuantizationMethod Method { get; init; }

    /// <summary>"GPTQ 4-bit g128", "AWQ 4-bit g128", "EXL2 4.65 bpw", "MLX 4-bit g64", "BF16", "FP16", "FP32" …</summary>
    public required string Label { get; init; }

    /// <summary>Bits per quantized weight as stated (or inferred from the tensors); null for unquantized models.</summary>
    public double? QuantizedBits { get; init; }

    /// <summary>
    /// Weights of the model as it computes: packed tensors counted unpacked, their bookkeeping tensors (zeros, scales,
    /// group indexes, permutations) not counted. Null when a packed format's bit width is unknown.
    /// </summary>
    public long? ParameterCount { get; init; }

    /// <summary>Sum of the exact byte sizes of all tensors.</summary>
    public long TensorBytes { get; init; }

    /// <summary>
    /// EXL2: the stated average bits (or, without one, the quantized layers' bytes × 8 / their weights). Everything else:
    /// all tensor bytes × 8 / <see cref="ParameterCount"/>, so unquantized embeddings and the scales count too.
    /// </summary>
    public double? BitsPerWeight { get; init; }
}

/// <summary>
/// Classifies a safetensors model from its quantization config and its tensors.
/// <para>
/// Logical parameter counts of packed formats come from the shapes. A packed tensor stores 32 / bits weights per int32
/// element (GPTQ <c>qweight</c> [in × bits / 32, out]; AWQ GEMM <c>qweight</c> [in, out × bits / 32]; MLX <c>weight</c>
/// [out, in × bits / 32] as uint32), so in every layout it holds elements × dtype bits / bits weights. EXL2 mixes bit
/// widths within a tensor, so there the weights are rows × columns: <c>q_invperm</c> has one entry per input row and
/// <c>q_weight</c>'s second dimension is the output width.
/// </para>
/// </summary>
public static class QuantizationClassifier
{
    private static readonly string[] GptqSidecars = [".qzeros", ".scales", ".g_idx"];
    private static readonly string[] Exl2Sidecars = [".q_scale", ".q_scale_max", ".q_groups", ".q_invperm", ".q_perm", ".q_group_map"];
    private static readonly string[] MlxSidecars = [".scales", ".biases"];

    /// <summary>Classifies a model from its stated quantization (null when none is stated) and all its tensors.</summary>
    public static QuantizationClassification Classify(
        QuantizationConfig? config, IReadOnlyList<SafetensorsTensor> tensors, string? torchDtype = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            byName.TryAdd(tensor.Name, tensor);
        }

        var bytes = tensors.Sum(t => t.ByteSize);
        var method = config?.Method ?? InferMethod(byName);
        return method switch
        {
            QuantizationMethod.Gptq or QuantizationMethod.Awq => Packed(method, config, byName, bytes),
            QuantizationMethod.Exl2 => Exl2(config, byName, bytes),
            QuantizationMethod.Mlx => Packed(method, config, byName, bytes),
            QuantizationMethod.Other => Other(config!, tensors, bytes),
            _ => Unquantized(tensors, bytes, torchDtype),
        };
    }

    /// <summary>Without a config, the tensor names still tell GPTQ-style and EXL2 checkpoints from plain ones.</summary>
    private static QuantizationMethod InferMethod(Dictionary<string, SafetensorsTensor> byName)
    {
        if (byName.Keys.Any(n => n.EndsWith(".q_weight", StringComparison.Ordinal)))
        {
            return QuantizationMethod.Exl2;
        }

        return byName.Keys.Any(n => n.EndsWith(".qweight", StringComparison.Ordinal)) ? QuantizationMethod.Gptq : QuantizationMethod.None;
    }

    private static QuantizationClassification Packed(
        QuantizationMethod method, QuantizationConfig? config, Dictionary<string, SafetensorsTensor> byName, long bytes)
    {
        var (packedSuffix, sidecars) = method == QuantizationMethod.Mlx ? (".weight", MlxSidecars) : (".qweight", GptqSidecars);
        var bits = config?.Bits ?? (method == QuantizationMethod.Gptq ? InferGptqBits(byName) : null);
        long? parameters = 0;
        foreach (var (name, tensor) in byName)
        {
            if (IsPacked(name, packedSuffix, method, byName))
            {
                parameters = bits is { } b ? parameters + (long)Math.Round(tensor.ElementCount * (double)tensor.DType.Bits / b) : null;
            }
            else if (!IsSidecar(name, sidecars, packedSuffix, byName))
            {
                parameters += tensor.ElementCount;
            }
        }

        var prefix = method switch
        {
            QuantizationMethod.Gptq => "GPTQ",
            QuantizationMethod.Awq => "AWQ",
            _ => "MLX",
        };
        var label = bits is { } known ? $"{prefix} {Number(known)}-bit" : prefix;
        if (config?.GroupSize is > 0 and var group)
        {
            label += $" g{group}";
        }

        return new QuantizationClassification
        {
            Method = method,
            Label = label,
            QuantizedBits = bits,
            ParameterCount = parameters,
            TensorBytes = bytes,
            BitsPerWeight = parameters > 0 ? bytes * 8.0 / parameters : null,
        };
    }

    /// <summary>MLX packs only the weights that have scales beside them; GPTQ/AWQ name the packed tensor "qweight".</summary>
    private static bool IsPacked(string name, string packedSuffix, QuantizationMethod method, Dictionary<string, SafetensorsTensor> byName)
    {
        if (!name.EndsWith(packedSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        if (method != QuantizationMethod.Mlx)
        {
            return true;
        }

        var prefix = name[..^packedSuffix.Length];
        return byName.TryGetValue(prefix + ".scales", out _) && !byName[name].DType.IsFloat;
    }

    /// <summary>A bookkeeping tensor of a packed weight: it has the sidecar suffix and the packed tensor exists beside it.</summary>
    private static bool IsSidecar(string name, string[] sidecars, string packedSuffix, Dictionary<string, SafetensorsTensor> byName)
    {
        foreach (var suffix in sidecars)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && byName.ContainsKey(name[..^suffix.Length] + packedSuffix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>GPTQ qweight is [in × bits / 32, out] and g_idx has one entry per input row: bits = rows × 32 / in.</summary>
    private static double? InferGptqBits(Dictionary<string, SafetensorsTensor> byName)
    {
        foreach (var (name, qweight) in byName)
        {
            if (!name.EndsWith(".qweight", StringComparison.Ordinal)
                || qweight.Shape.Count != 2
                || !byName.TryGetValue(name[..^".qweight".Length] + ".g_idx", out var gIndex)
                || gIndex.ElementCount == 0)
            {
                continue;
            }

            var bits = (double)qweight.Shape[0] * qweight.DType.Bits / gIndex.ElementCount;
            if (bits is 2 or 3 or 4 or 8)
            {
                return bits;
            }
        }

        return null;
    }

    private static QuantizationClassification Exl2(QuantizationConfig? config, Dictionary<string, SafetensorsTensor> byName, long bytes)
    {
        long? parameters = 0;
        long quantizedWeights = 0;
        long quantizedBytes = 0;
        foreach (var (name, tensor) in byName)
        {
            if (name.EndsWith(".q_weight", StringComparison.Ordinal))
            {
                var prefix = name[..^".q_weight".Length];
                long? weights = null;
                if ((byName.GetValueOrDefault(prefix + ".q_invperm") ?? byName.GetValueOrDefault(prefix + ".q_perm")) is { } perm
                    && tensor.Shape.Count == 2)
                {
                    weights = perm.ElementCount * tensor.Shape[1];
                }
                else if (config?.Bits is { } b)
                {
                    weights = (long)Math.Round(tensor.ElementCount * (double)tensor.DType.Bits / b);
                }

                parameters += weights;
                quantizedWeights += weights ?? 0;
                quantizedBytes += tensor.ByteSize + Exl2Sidecars.Sum(s => byName.GetValueOrDefault(prefix + s)?.ByteSize ?? 0);
            }
            else if (!IsSidecar(name, Exl2Sidecars, ".q_weight", byName))
            {
                parameters += tensor.ElementCount;
            }
        }

        var bitsPerWeight = config?.Bits ?? (quantizedWeights > 0 ? quantizedBytes * 8.0 / quantizedWeights : null);
        return new QuantizationClassification
        {
            Method = QuantizationMethod.Exl2,
            Label = bitsPerWeight is { } bpw ? $"EXL2 {Number(bpw)} bpw" : "EXL2",
            QuantizedBits = bitsPerWeight,
            ParameterCount = parameters,
            TensorBytes = bytes,
            BitsPerWeight = bitsPerWeight,
        };
    }

    private static QuantizationClassification Other(QuantizationConfig config, IReadOnlyList<SafetensorsTensor> tensors, long bytes)
    {
        var parameters = tensors.Sum(t => t.ElementCount);
        var name = (config.MethodName ?? "quantized").ToUpperInvariant();
        return new QuantizationClassification
        {
            Method = QuantizationMethod.Other,
            Label = config.Bits is { } b ? $"{name} {Number(b)}-bit" : name,
            QuantizedBits = config.Bits,
            ParameterCount = parameters,
            TensorBytes = bytes,
            BitsPerWeight = parameters > 0 ? bytes * 8.0 / parameters : null,
        };
    }

    private static QuantizationClassification Unquantized(IReadOnlyList<SafetensorsTensor> tensors, long bytes, string? torchDtype)
    {
        var parameters = tensors.Sum(t => t.ElementCount);
        var dominant = tensors
            .Where(t => t.DType.IsFloat)
            .GroupBy(t => t.DType.Name, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(t => t.ByteSize))
            .Select(g => g.Key)
            .FirstOrDefault();
        return new QuantizationClassification
        {
            Method = QuantizationMethod.None,
            Label = dominant is not null ? FloatLabel(dominant) : TorchDtypeLabel(torchDtype),
            ParameterCount = parameters,
            TensorBytes = bytes,
            BitsPerWeight = parameters > 0 ? bytes * 8.0 / parameters : null,
        };
    }

    private static string FloatLabel(string dtype) => dtype switch
    {
        "F16" => "FP16",
        "BF16" => "BF16",
        "F32" => "FP32",
        "F64" => "FP64",
        "F8_E4M3" or "F8_E5M2" or "F8_E8M0" => "FP8",
        "F6_E2M3" or "F6_E3M2" => "FP6",
        "F4" => "FP4",
        _ => dtype,
    };

    private static string TorchDtypeLabel(string? torchDtype) => torchDtype switch
    {
        "float16" or "torch.float16" => "FP16",
        "bfloat16" or "torch.bfloat16" => "BF16",
        "float32" or "torch.float32" => "FP32",
        _ => "unknown",
    };

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
