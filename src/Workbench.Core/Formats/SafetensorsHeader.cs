using System.Collections.ObjectModel;

namespace Workbench.Core.Formats;

/// <summary>The header of one safetensors file: tensor descriptions and the free-form <c>__metadata__</c> map.</summary>
public sealed class SafetensorsHeader
{
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    internal SafetensorsHeader(long headerLength, long fileLength, List<SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        HeaderLength = headerLength;
        FileLength = fileLength;
        Tensors = tensors.AsReadOnly();
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        TensorDataBytes = tensors.Sum(t => t.ByteSize);
    }

    /// <summary>Length of the JSON header in bytes (the value of the 8-byte prefix).</summary>
    public long HeaderLength { get; }

    /// <summary>Offset of the data section from the start of the file: 8 + <see cref="HeaderLength"/>.</summary>
    public long DataOffset => 8 + HeaderLength;

    /// <summary>Length of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Tensors in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (e.g. "format" = "pt"); empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Sum of the byte sizes of all tensors.</summary>
    public long TensorDataBytes { get; }

    public SafetensorsTensor? FindTensor(string name) =>
        _byName.GetValueOrDefault(name ?? throw new ArgumentNullException(nameof(name)));
}
