using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Workbench.Core.Gguf;

/// <summary>The header of a GGUF file: metadata, tensor descriptions and layout. Produced by <see cref="GgufReader"/>.</summary>
public sealed class GgufFile
{
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    internal GgufFile(
        int version,
        uint alignment,
        OrderedDictionary<string, GgufValue> metadata,
        IReadOnlyList<GgufTensorInfo> tensors,
        long dataOffset,
        long fileLength)
    {
        Version = version;
        Alignment = alignment;
        Metadata = new ReadOnlyDictionary<string, GgufValue>(metadata);
        Tensors = tensors;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        DataOffset = dataOffset;
        FileLength = fileLength;
        Facts = GgufModelFacts.From(this);
    }

    /// <summary>GGUF format version (2 or 3).</summary>
    public int Version { get; }

    /// <summary>Alignment of tensor data in bytes (<c>general.alignment</c>, default 32).</summary>
    public uint Alignment { get; }

    /// <summary>Metadata key/value pairs, enumerated in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Tensor descriptions in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Offset of the tensor data section from the start of the file (the header size, padded to <see cref="Alignment"/>).</summary>
    public long DataOffset { get; }

    /// <summary>Length of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Sum of the exact byte sizes of all tensors (without alignment padding).</summary>
    public long TensorDataBytes => Facts.TensorDataBytes;

    /// <summary>Model facts computed from the metadata and tensors.</summary>
    public GgufModelFacts Facts { get; }

    public GgufTensorInfo? FindTensor(string name) =>
        _tensorsByName.GetValueOrDefault(name ?? throw new ArgumentNullException(nameof(name)));

    /// <summary>Offset of a tensor's data from the start of the file.</summary>
    public long GetTensorFileOffset(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return DataOffset + tensor.Offset;
    }

    public bool TryGetValue(string key, [NotNullWhen(true)] out GgufValue? value) => Metadata.TryGetValue(key, out value);

    public bool TryGetString(string key, [NotNullWhen(true)] out string? value)
    {
        value = null;
        return TryGetValue(key, out var v) && v.TryGetString(out value);
    }

    public string? GetStringOrDefault(string key, string? defaultValue = null) =>
        TryGetString(key, out var value) ? value : defaultValue;

    /// <summary>An integer value of any integer type that fits in a long.</summary>
    public bool TryGetInt64(string key, out long value)
    {
        value = 0;
        return TryGetValue(key, out var v) && v.TryGetInt64(out value);
    }

    /// <summary>A non-negative integer value of any integer type.</summary>
    public bool TryGetUInt64(string key, out ulong value)
    {
        value = 0;
        return TryGetValue(key, out var v) && v.TryGetUInt64(out value);
    }

    /// <summary>A numeric value of any integer or floating-point type.</summary>
    public bool TryGetDouble(string key, out double value)
    {
        value = 0;
        return TryGetValue(key, out var v) && v.TryGetDouble(out value);
    }

    public bool TryGetBool(string key, out bool value)
    {
        value = false;
        return TryGetValue(key, out var v) && v.TryGetBool(out value);
    }

    public bool TryGetArray<T>(string key, [NotNullWhen(true)] out IReadOnlyList<T>? values)
    {
        values = null;
        return TryGetValue(key, out var v) && v.TryGetArray(out values);
    }

    public long GetInt64OrDefault(string key, long defaultValue = 0) =>
        TryGetInt64(key, out var value) ? value : defaultValue;

    public ulong GetUInt64OrDefault(string key, ulong defaultValue = 0) =>
        TryGetUInt64(key, out var value) ? value : defaultValue;

    public double GetDoubleOrDefault(string key, double defaultValue = 0) =>
        TryGetDouble(key, out var value) ? value : defaultValue;
}
