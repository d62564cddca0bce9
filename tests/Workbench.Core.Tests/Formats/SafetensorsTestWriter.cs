using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Workbench.Core.Tests.Formats;

/// <summary>
/// Writes small safetensors files the way the safetensors library lays them out: an 8-byte little-endian header
/// length, the JSON header padded with spaces to a multiple of 8, then the tensors' data back to back.
/// Tensor data is zeros unless given. <see cref="Raw"/> assembles files the format forbids, for the malformed cases.
/// </summary>
internal sealed class SafetensorsTestWriter
{
    private static readonly Dictionary<string, int> BitsPerElement = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 8,
        ["U8"] = 8,
        ["I8"] = 8,
        ["F8_E4M3"] = 8,
        ["F8_E5M2"] = 8,
        ["I16"] = 16,
        ["U16"] = 16,
        ["F16"] = 16,
        ["BF16"] = 16,
        ["I32"] = 32,
        ["U32"] = 32,
        ["F32"] = 32,
        ["I64"] = 64,
        ["U64"] = 64,
        ["F64"] = 64,
    };

    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public IReadOnlyList<string> TensorNames => _tensors.Select(t => t.Name).ToList();

    /// <summary>Sum of the tensors' data bytes.</summary>
    public long TensorBytes => _tensors.Sum(t => (long)t.Data.Length);

    public SafetensorsTestWriter Add(string name, string dtype, params long[] shape)
    {
        var elements = shape.Aggregate(1L, (a, d) => a * d);
        return Add(name, dtype, shape, new byte[elements * BitsPerElement[dtype] / 8]);
    }

    public SafetensorsTestWriter Add(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public SafetensorsTestWriter Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    public byte[] ToBytes()
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (_metadata.Count > 0)
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in _metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, dtype, shape, data) in _tensors)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", dtype);
                writer.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += data.Length;
            }

            writer.WriteEndObject();
        }

        var header = json.ToArray().ToList();
        while (header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }

        return Assemble([.. header], _tensors.SelectMany(t => t.Data).ToArray(), (ulong)header.Count);
    }

    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    /// <summary>A file with the given header text and <paramref name="dataBytes"/> zero bytes of data; the length prefix may lie.</summary>
    public static byte[] Raw(string headerJson, int dataBytes = 0, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return Assemble(header, new byte[dataBytes], declaredHeaderLength ?? (ulong)header.Length);
    }

    private static byte[] Assemble(byte[] header, byte[] data, ulong declaredHeaderLength)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
