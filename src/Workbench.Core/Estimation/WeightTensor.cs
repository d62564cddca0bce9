using System.Globalization;
using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>Where llama.cpp puts a weight tensor.</summary>
public enum WeightRole
{
    /// <summary>A tensor of one repeating block (<c>blk.N.*</c>): goes wherever that layer is offloaded.</summary>
    Layer,

    /// <summary>Token embeddings (<c>token_embd*</c>): llama.cpp keeps the input layer in CPU RAM.</summary>
    InputEmbedding,

    /// <summary>The output head (<c>output.weight</c>): part of llama.cpp's output layer.</summary>
    OutputHead,

    /// <summary>Everything else (final norm, rope factors …): small; counted with the output layer.</summary>
    Other,
}

/// <summary>
/// One weight tensor, described independently of its file format: enough to place it on a device and to work out
/// its size at another quantization.
/// </summary>
/// <param name="Name">GGUF-style name, e.g. "blk.3.ffn_down.weight".</param>
/// <param name="Dimensions">Shape, innermost (row) first as in GGUF: [n_embd, n_vocab] for token_embd.weight.</param>
/// <param name="Bytes">Stored size in bytes.</param>
/// <param name="Type">ggml type when the tensor comes from a GGUF file; null for other formats.</param>
public sealed record WeightTensor(string Name, IReadOnlyList<long> Dimensions, long Bytes, GgmlType? Type = null)
{
    /// <summary>Elements per row (ne[0]); quantization blocks run along this dimension.</summary>
    public long RowLength => Dimensions.Count > 0 ? Dimensions[0] : 0;

    /// <summary>Number of elements (product of the dimensions).</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Block index for <c>blk.N.*</c> tensors; -1 otherwise.</summary>
    public int Layer => LayerOf(Name);

    /// <summary>Where llama.cpp places this tensor.</summary>
    public WeightRole Role => RoleOf(Name);

    /// <summary>True for the stacked expert tensors of a mixture-of-experts layer (<c>ffn_*_exps</c>): only the routed experts are read per token.</summary>
    public bool IsRoutedExperts => Name.Contains("_exps", StringComparison.Ordinal);

    /// <summary>Describes a tensor read from a GGUF header.</summary>
    public static WeightTensor FromGguf(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new WeightTensor(tensor.Name, tensor.Dimensions.Select(d => (long)d).ToArray(), tensor.ByteSize, tensor.Type);
    }

    /// <summary>The block index in a name of the form <c>blk.N.…</c>, else -1.</summary>
    public static int LayerOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith("blk.", StringComparison.Ordinal))
        {
            return -1;
        }

        var end = name.IndexOf('.', 4);
        return end > 4 && int.TryParse(name.AsSpan(4, end - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var layer) ? layer : -1;
    }

    /// <summary>Role of a tensor by its GGUF name.</summary>
    public static WeightRole RoleOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (LayerOf(name) >= 0)
        {
            return WeightRole.Layer;
        }

        if (name.StartsWith("token_embd", StringComparison.Ordinal) || name.StartsWith("per_layer_token_embd", StringComparison.Ordinal))
        {
            return WeightRole.InputEmbedding;
        }

        return name == "output.weight" ? WeightRole.OutputHead : WeightRole.Other;
    }
}
