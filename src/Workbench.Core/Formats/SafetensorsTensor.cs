namespace Workbench.Core.Formats;

/// <summary>One tensor as described in a safetensors header. Produced by <see cref="SafetensorsHeaderReader"/>, which has checked it.</summary>
public sealed class SafetensorsTensor
{
    internal SafetensorsTensor(string name, SafetensorsDType dtype, long[] shape, long dataStart, long dataEnd, long elementCount)
    {
        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(shape);
        DataStart = dataStart;
        DataEnd = dataEnd;
        ElementCount = elementCount;
    }

    /// <summary>Tensor name, e.g. "model.layers.0.self_attn.q_proj.weight".</summary>
    public string Name { get; }

    public SafetensorsDType DType { get; }

    /// <summary>Dimensions outermost first, as PyTorch writes them (e.g. [out_features, in_features] for a linear weight).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Offset of the first byte of data, from the start of the data section (not of the file).</summary>
    public long DataStart { get; }

    /// <summary>Offset one past the last byte of data, from the start of the data section.</summary>
    public long DataEnd { get; }

    /// <summary>Number of elements: the product of the dimensions (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Exact size of the data in bytes.</summary>
    public long ByteSize => DataEnd - DataStart;

    public override string ToString() => $"{Name} {DType} [{string.Join(", ", Shape)}]";
}
