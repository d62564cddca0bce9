using System.Text;
using Workbench.Core.Hub;

namespace Workbench.Core.Gguf;

/// <summary>
/// A GGUF header without the contents of its long arrays (the tokenizer's tokens, scores and merges: most of a
/// header's megabytes), small enough to keep for every file of a repository. Decoding gives a <see cref="GgufFile"/>
/// with the same metadata, tensors and layout; a long array keeps its type and length but holds default values.
/// Estimates only use array lengths, so they come out the same. The bytes are a GGUF header and pass through the
/// same parser when decoded.
/// </summary>
public static class GgufCompactHeader
{
    /// <summary>Arrays longer than this keep only their length.</summary>
    public const int MaxKeptArrayLength = 1024;

    private const string Prefix = "workbench.compact.";
    private const string ElidedPrefix = Prefix + "elided.";
    private const string VersionKey = Prefix + "version";
    private const string DataOffsetKey = Prefix + "data_offset";

    /// <summary>The compact bytes of <paramref name="file"/>; null when its keys collide with the ones this format adds.</summary>
    public static byte[]? Encode(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Metadata.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            return null;
        }

        var entries = new List<(string Key, GgufValue Value)>();
        foreach (var (key, value) in file.Metadata)
        {
            if (value.IsArray && value.ArrayLength > MaxKeptArrayLength && value.ElementType != GgufValueType.Array)
            {
                entries.Add((key, GgufValue.Wrap(value.ElementType!.Value, Array.CreateInstance(ClrType(value.ElementType!.Value), 0))));
                entries.Add((ElidedPrefix + key, GgufValue.FromUInt64((ulong)value.ArrayLength)));
            }
            else
            {
                entries.Add((key, value));
            }
        }

        entries.Add((VersionKey, GgufValue.FromUInt32((uint)file.Version)));
        entries.Add((DataOffsetKey, GgufValue.FromUInt64((ulong)file.DataOffset)));

        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, new UTF8Encoding(false, true), leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write((uint)GgufWriter.FormatVersion);
            w.Write((ulong)file.Tensors.Count);
            w.Write((ulong)entries.Count);
            foreach (var (key, value) in entries)
            {
                GgufWriter.WriteString(w, key);
                w.Write((uint)value.Type);
                GgufWriter.WriteValue(w, value);
            }

            foreach (var tensor in file.Tensors)
            {
                GgufWriter.WriteString(w, tensor.Name);
                w.Write((uint)tensor.Dimensions.Count);
                foreach (var d in tensor.Dimensions)
                {
                    w.Write(d);
                }

                w.Write((uint)tensor.Type);
                w.Write((ulong)tensor.Offset);
            }
        }

        return memory.ToArray();
    }

    /// <summary>Reads bytes made by <see cref="Encode"/> for a file of <paramref name="fileLength"/> bytes.</summary>
    /// <exception cref="GgufFormatException">The bytes are not a compact header.</exception>
    public static GgufFile Decode(byte[] bytes, long fileLength)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        GgufFile compact;
        try
        {
            // The compact header may be longer than the original (a split part with little metadata), which moves its data
            // section; the stream is made long enough for the tensors wherever it starts, and they are checked below.
            compact = GgufReader.Read(new PrefixStream(bytes, Math.Max(0, fileLength) + bytes.Length + uint.MaxValue));
        }
        catch (MoreBytesNeededException e)
        {
            throw new GgufFormatException("The stored header is cut short.", e);
        }

        if (!compact.TryGetUInt64(VersionKey, out var version) || !compact.TryGetUInt64(DataOffsetKey, out var dataOffset) || (long)dataOffset > fileLength)
        {
            throw new GgufFormatException("The stored header is not a compact header.");
        }

        if (compact.Tensors.FirstOrDefault(t => (long)dataOffset + t.Offset + t.ByteSize > fileLength) is { } outside)
        {
            throw new GgufFormatException($"The stored header places tensor '{outside.Name}' past the end of the file.");
        }

        var metadata = new OrderedDictionary<string, GgufValue>(StringComparer.Ordinal);
        foreach (var (key, value) in compact.Metadata)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            metadata.Add(key, compact.TryGetUInt64(ElidedPrefix + key, out var length) && value.IsArray && length <= int.MaxValue
                ? Placeholder(value.ElementType!.Value, (int)length)
                : value);
        }

        return new GgufFile((int)version, compact.Alignment, metadata, compact.Tensors, (long)dataOffset, fileLength);
    }

    private static GgufValue Placeholder(GgufValueType elementType, int length)
    {
        var values = Array.CreateInstance(ClrType(elementType), length);
        if (values is string[] strings)
        {
            Array.Fill(strings, string.Empty);
        }

        return GgufValue.Wrap(elementType, values);
    }

    private static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Arrays of arrays are kept whole."),
    };
}
