using System.Collections.Frozen;
using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>
/// The tensor types llama.cpp's <c>llama-quantize</c> chooses for each named quantization (Q4_K_M …), following
/// <c>llama_tensor_get_type</c> in llama-quant.cpp: a default type per file type, with the output head at Q6_K
/// (Q5_K for the 2–3-bit IQ types, Q8_0 for Q8_0), more bits for <c>attn_v</c> and <c>ffn_down</c> in some layers
/// (e.g. Q4_K_M: Q6_K in the first and last eighth and every third layer between, about half of them), and the
/// fallbacks for rows that are not a multiple of the block size.
/// </summary>
/// <remarks>
/// Assumes an importance matrix was used (as for most published quantizations); it changes only a few
/// <c>ffn_down</c>/<c>attn_v</c> choices of IQ3_XXS, IQ4_NL/IQ4_XS and Q4_0. Norms, biases and the MoE router keep
/// their stored type.
/// </remarks>
internal sealed class GgufQuantizationRecipe
{
    private static readonly FrozenDictionary<string, GgmlType> DefaultTypes = new Dictionary<string, GgmlType>(StringComparer.Ordinal)
    {
        ["IQ2_XXS"] = GgmlType.IQ2_XXS,
        ["IQ2_XS"] = GgmlType.IQ2_XS,
        ["Q2_K"] = GgmlType.Q2_K,
        ["IQ3_XXS"] = GgmlType.IQ3_XXS,
        ["Q3_K_S"] = GgmlType.Q3_K,
        ["IQ3_S"] = GgmlType.IQ3_S,
        ["Q3_K_M"] = GgmlType.Q3_K,
        ["Q3_K_L"] = GgmlType.Q3_K,
        ["IQ4_XS"] = GgmlType.IQ4_XS,
        ["IQ4_NL"] = GgmlType.IQ4_NL,
        ["Q4_0"] = GgmlType.Q4_0,
        ["Q4_K_S"] = GgmlType.Q4_K,
        ["Q4_K_M"] = GgmlType.Q4_K,
        ["Q5_K_S"] = GgmlType.Q5_K,
        ["Q5_K_M"] = GgmlType.Q5_K,
        ["Q6_K"] = GgmlType.Q6_K,
        ["Q8_0"] = GgmlType.Q8_0,
        ["F16"] = GgmlType.F16,
        ["BF16"] = GgmlType.BF16,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly string _label;
    private readonly GgmlType _default;
    private readonly EstimationModel _model;
    private readonly bool _hasOutput;
    private readonly int _gqa;
    private readonly int _attentionVCount;
    private readonly int _ffnDownCount;
    private int _attentionV;
    private int _ffnDown;

    private GgufQuantizationRecipe(string label, EstimationModel model)
    {
        _label = label;
        _default = DefaultTypes[label];
        _model = model;
        _hasOutput = model.Tensors.Any(t => t.Role == WeightRole.OutputHead);
        var kv = model.HeadCountKvPerLayer.FirstOrDefault(h => h > 0);
        _gqa = kv > 0 ? model.HeadCountPerLayer.FirstOrDefault(h => h > 0) / kv : 1;
        _attentionVCount = model.Tensors.Count(t => t.Name.Contains("attn_v.weight", StringComparison.Ordinal));
        _ffnDownCount = model.Tensors.Count(t => t.Name.Contains("ffn_down", StringComparison.Ordinal));
    }

    /// <summary>The labels this recipe knows, as users see them in file names.</summary>
    public static IEnumerable<string> Labels => DefaultTypes.Keys;

    public static bool IsKnown(string label) => DefaultTypes.ContainsKey(label);

    /// <summary>The model's tensors as they would be stored at <paramref name="label"/>.</summary>
    public static IReadOnlyList<WeightTensor> Apply(EstimationModel model, string label)
    {
        var recipe = new GgufQuantizationRecipe(label, model);
        return model.Tensors.Select(recipe.Requantize).ToList();
    }

    private WeightTensor Requantize(WeightTensor tensor)
    {
        if (!IsQuantizable(tensor))
        {
            return tensor;
        }

        var type = _default is GgmlType.F16 or GgmlType.BF16 ? _default : Fallback(ChooseType(tensor), tensor.RowLength);
        var dims = tensor.Dimensions.Select(d => (ulong)d).ToArray();
        return tensor with { Type = type, Bytes = GgmlTypeInfo.Get(type).GetTensorByteSize(dims) };
    }

    /// <summary>llama-quantize only quantizes matrices named "*.weight", and leaves norms, the router and a few special tensors alone.</summary>
    internal static bool IsQuantizable(WeightTensor tensor) =>
        tensor.Dimensions.Count >= 2
        && tensor.Name.EndsWith(".weight", StringComparison.Ordinal)
        && !tensor.Name.Contains("_norm", StringComparison.Ordinal)
        && !tensor.Name.Contains("ffn_gate_inp", StringComparison.Ordinal)
        && !tensor.Name.Contains("position_embd", StringComparison.Ordinal)
        && !tensor.Name.Contains("ssm_conv1d", StringComparison.Ordinal);

    private bool Is(params ReadOnlySpan<string> labels)
    {
        foreach (var label in labels)
        {
            if (_label == label)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>llama.cpp's use_more_bits: the first and last eighth of the layers and every third one between.</summary>
    private static bool UseMoreBits(int layer, int layers) =>
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;

    private GgmlType ChooseType(WeightTensor tensor)
    {
        var name = tensor.Name;
        var experts = _model.ExpertCount;
        var isOutput = tensor.Role == WeightRole.OutputHead || (!_hasOutput && name == "token_embd.weight");
        if (isOutput)
        {
            if (_model.Architecture == "falcon" || tensor.RowLength % GgmlTypeInfo.Get(_default).BlockSize != 0)
            {
                return GgmlType.Q8_0;
            }

            if (Is("IQ2_XXS", "IQ2_XS", "IQ3_XXS"))
            {
                return GgmlType.Q5_K;
            }

            return _default == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
        }

        if (name == "token_embd.weight")
        {
            return Is("IQ2_XXS", "IQ2_XS") ? GgmlType.Q2_K : Is("IQ3_XXS") ? GgmlType.IQ3_S : _default;
        }

        if (Is("IQ2_XXS", "IQ2_XS"))
        {
            if (name.Contains("attn_v.weight", StringComparison.Ordinal))
            {
                _attentionV++;
                return _gqa >= 4 || experts >= 4 ? GgmlType.Q4_K : GgmlType.Q2_K;
            }

            if (experts == 8 && name.Contains("attn_k.weight", StringComparison.Ordinal))
            {
                return GgmlType.Q4_K;
            }

            if (name.Contains("ffn_down", StringComparison.Ordinal))
            {
                return _ffnDown++ < _ffnDownCount / 8 ? GgmlType.Q2_K : _default;
            }

            return experts == 8 && name.Contains("attn_output.weight", StringComparison.Ordinal) ? GgmlType.Q5_K : _default;
        }

        if (name.Contains("attn_v.weight", StringComparison.Ordinal))
        {
            return AttentionV();
        }

        if (name.Contains("attn_k.weight", StringComparison.Ordinal))
        {
            return experts == 8 ? GgmlType.Q8_0 : Is("IQ3_XXS") ? GgmlType.IQ2_S : _default;
        }

        if (name.Contains("attn_q.weight", StringComparison.Ordinal))
        {
            return Is("IQ3_XXS") ? GgmlType.IQ2_S : _default;
        }

        if (name.Contains("ffn_down", StringComparison.Ordinal))
        {
            var layer = experts > 1 && tensor.Layer >= 0 ? tensor.Layer : _ffnDown;
            _ffnDown++;
            return FeedForwardDown(layer, _ffnDownCount);
        }

        if (name.Contains("attn_output.weight", StringComparison.Ordinal))
        {
            if (_model.Architecture == "falcon")
            {
                return Is("Q3_K_L") ? GgmlType.Q4_K : _default;
            }

            if (experts == 8)
            {
                return Is("Q2_K", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ4_XS") ? GgmlType.Q5_K : _default;
            }

            return _label switch
            {
                "Q2_K" => GgmlType.Q3_K,
                "IQ3_XXS" => GgmlType.IQ3_S,
                "Q3_K_M" => GgmlType.Q4_K,
                "Q3_K_L" => GgmlType.Q5_K,
                _ => _default,
            };
        }

        if (name.Contains("attn_qkv.weight", StringComparison.Ordinal))
        {
            return _label switch
            {
                "Q3_K_M" or "Q3_K_L" => GgmlType.Q4_K,
                "Q4_K_M" => GgmlType.Q5_K,
                "Q5_K_M" => GgmlType.Q6_K,
                _ => _default,
            };
        }

        return _default;
    }

    private GgmlType AttentionV()
    {
        var i = _attentionV++;
        var n = _attentionVCount;
        var type = _label switch
        {
            "Q2_K" => _gqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K,
            "IQ3_XXS" => _gqa >= 4 ? GgmlType.Q4_K : GgmlType.IQ3_XXS,
            "IQ3_S" when _gqa >= 4 => GgmlType.Q4_K,
            "Q3_K_M" => i < 2 ? GgmlType.Q5_K : GgmlType.Q4_K,
            "Q3_K_L" => GgmlType.Q5_K,
            "IQ4_NL" or "IQ4_XS" when _gqa >= 4 => GgmlType.Q5_K,
            "Q4_K_M" or "Q5_K_M" when UseMoreBits(i, n) => GgmlType.Q6_K,
            "Q4_K_S" when i < 4 => GgmlType.Q5_K,
            _ => _default,
        };

        // llama.cpp: in 70B llama models attn_v is 8× smaller than attn_q, so it gets more bits cheaply.
        if (_model.Architecture == "llama" && _model.LayerCount == 80 && type is GgmlType.Q3_K or GgmlType.Q4_K)
        {
            type = GgmlType.Q5_K;
        }

        return _model.ExpertCount == 8 ? GgmlType.Q8_0 : type;
    }

    private GgmlType FeedForwardDown(int layer, int layers)
    {
        var falcon = _model.Architecture == "falcon";
        return _label switch
        {
            "Q2_K" => GgmlType.Q3_K,
            "Q3_K_M" => layer < layers / 16 ? GgmlType.Q5_K : !falcon || UseMoreBits(layer, layers) ? GgmlType.Q4_K : GgmlType.Q3_K,
            "Q3_K_L" => falcon ? GgmlType.Q4_K : GgmlType.Q5_K,
            "Q4_K_M" when falcon => layer < layers / 16 ? GgmlType.Q6_K : UseMoreBits(layer, layers) ? GgmlType.Q5_K : GgmlType.Q4_K,
            "Q4_K_M" => UseMoreBits(layer, layers) ? GgmlType.Q6_K : _default,
            "Q5_K_M" when UseMoreBits(layer, layers) => GgmlType.Q6_K,
            "Q4_K_S" when !falcon && layer < layers / 8 => GgmlType.Q5_K,
            "Q4_0" when layer < layers / 8 => GgmlType.Q4_1,
            _ => _default,
        };
    }

    /// <summary>llama-quantize's fallback when a row is not a whole number of blocks of the chosen type.</summary>
    private static GgmlType Fallback(GgmlType type, long rowLength)
    {
        if (rowLength % GgmlTypeInfo.Get(type).BlockSize == 0)
        {
            return type;
        }

        var fallback = type switch
        {
            GgmlType.Q4_K => GgmlType.Q5_0,
            GgmlType.Q5_K => GgmlType.Q5_1,
            GgmlType.Q6_K => GgmlType.Q8_0,
            _ => GgmlType.IQ4_NL,
        };
        return rowLength % GgmlTypeInfo.Get(fallback).BlockSize == 0 ? fallback : GgmlType.F16;
    }
}
