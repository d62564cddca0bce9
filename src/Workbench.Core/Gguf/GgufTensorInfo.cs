namespace Workbench.Core.Gguf;

/// <summary>One tensor as described in a GGUF header: name, shape, type and where its data lies.</summary>
public sealed class GgufTensorInfo
{
    /// <summary>Describes a tensor; the shape must be valid for <paramref name="type"/>.</summary>
    /// <param name="name">Tensor name, e.g. "blk.0.attn_q.weight".</param>
    /// <param name="type">Element type.</param>
    /// <param name="dimensions">1 to 4 dimensions, innermost (ne[0]) first.</param>
    /// <param name="offset">Offset of the data from the start of the data section.</param>
    /// <exception cref="ArgumentException">The type is unknown or the shape is invalid for it.</exception>
    public GgufTensorInfo(string name, GgmlType type, IReadOnlyList<ulong> dimensions, long offset)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var dims = dimensions.ToArray();
        var error = GgmlTypeInfo.Get(type).TryComputeSize(dims, out var elements, out var bytes);
        if (error is not null)
        {
            throw new ArgumentException($"Tensor '{name}': {error}.", nameof(dimensions));
        }

        Name = name;
        Type = type;
        Dimensions = Array.AsReadOnly(dims);
        Offset = offset;
        ElementCount = elements;
        ByteSize = bytes;
    }

    /// <summary>Reader's constructor: the shape has already been validated and measured.</summary>
    internal GgufTensorInfo(string name, GgmlType type, ulong[] dimensions, long offset, long elementCount, long byteSize)
    {
        Name = name;
        Type = type;
        Dimensions = Array.AsReadOnly(dimensions);
        Offset = offset;
        ElementCount = elementCount;
        ByteSize = byteSize;
    }

    public string Name { get; }

    public GgmlType Type { get; }

    public GgmlTypeInfo TypeInfo => GgmlTypeInfo.Get(Type);

    /// <summary>Dimensions innermost first (ne[0], ne[1] …), e.g. [n_embd, n_vocab] for token_embd.weight.</summary>
    public IReadOnlyList<ulong> Dimensions { get; }

    /// <summary>Offset of the tensor's data from the start of the data section (see <see cref="GgufFile.DataOffset"/>).</summary>
    public long Offset { get; }

    /// <summary>Number of elements (product of the dimensions).</summary>
    public long ElementCount { get; }

    /// <summary>Exact size of the data in bytes, without alignment padding.</summary>
    public long ByteSize { get; }

    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Dimensions)}]";
}
