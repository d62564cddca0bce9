using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Workbench.Core.Gguf;

/// <summary>
/// One pass over a GGUF header with a private read buffer. Positions are relative to where the stream
/// stood when parsing began. Counts are checked against the bytes left before anything is allocated for them.
/// </summary>
internal sealed class GgufHeaderParser
{
    private const int BufferSize = 64 * 1024;
    private const int MinBufferSize = 64;
    private const int InitialCapacityLimit = 4096;

    // Smallest possible encodings, used to bound counts by the bytes left.
    private const long MinMetadataEntryBytes = 8 + 4 + 1;      // key length, value type, a one-byte value
    private const long MinTensorInfoBytes = 8 + 4 + 8 + 4 + 8; // name length, n_dims, one dim, type, offset

    private static readonly byte[] Magic = "GGUF"u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly long _length;
    private readonly byte[] _buffer;
    private long _bufferStart; // file offset of _buffer[0]
    private int _bufferPos;
    private int _bufferEnd;
    private string _context = "the file header";

    public GgufHeaderParser(Stream stream)
    {
        _stream = stream;
        _length = Math.Max(0, stream.Length - stream.Position);
        _buffer = new byte[(int)Math.Clamp(_length, MinBufferSize, BufferSize)];
    }

    private long Position => _bufferStart + _bufferPos;

    private long Remaining => Math.Max(0, _length - Position);

    public GgufFile Parse()
    {
        ReadMagic();
        var version = ReadVersion();

        _context = "the tensor count";
        var tensorCountOffset = Position;
        var tensorCount = ReadUInt64();
        _context = "the metadata entry count";
        var metadataCountOffset = Position;
        var metadataCount = ReadUInt64();
        CheckHeaderCounts(tensorCount, tensorCountOffset, metadataCount, metadataCountOffset);

        var (metadata, alignmentOffset) = ReadMetadata(metadataCount);
        var alignment = GetAlignment(metadata, alignmentOffset);
        var entries = ReadTensorInfos(tensorCount);

        var dataOffset = AlignUp(Position, alignment);
        var tensors = ValidateTensorData(entries, dataOffset, alignment);
        return new GgufFile(version, alignment, metadata, tensors, dataOffset, _length);
    }

    private void ReadMagic()
    {
        if (_length < Magic.Length)
        {
            throw new GgufFormatException(
                $"not a GGUF file: it is {_length} bytes long, too short to hold even the 'GGUF' magic", 0);
        }

        Ensure(Magic.Length);
        var found = _buffer.AsSpan(_bufferPos, Magic.Length);
        if (!found.SequenceEqual(Magic))
        {
            throw new GgufFormatException(
                $"not a GGUF file: expected the magic 'GGUF' but found {DescribeBytes(found)}", 0);
        }

        _bufferPos += Magic.Length;
    }

    private int ReadVersion()
    {
        _context = "the format version";
        var offset = Position;
        var version = ReadUInt32();
        switch (version)
        {
            case 2 or 3:
                return (int)version;
            case 1:
                throw new GgufFormatException(
                    "GGUF version 1 is not supported: it is the 2023 pre-release format; re-convert the model with a current llama.cpp",
                    offset);
        }

        var swapped = BinaryPrimitives.ReverseEndianness(version);
        if (swapped is >= 1 and <= 3)
        {
            throw new GgufFormatException(
                $"the file is a big-endian GGUF (version {swapped}); only little-endian files are supported", offset);
        }

        throw new GgufFormatException($"unsupported GGUF version {version}; versions 2 and 3 are supported", offset);
    }

    private void CheckHeaderCounts(ulong tensorCount, long tensorCountOffset, ulong metadataCount, long metadataCountOffset)
    {
        var remaining = (ulong)Remaining;
        if (metadataCount > remaining / MinMetadataEntryBytes)
        {
            throw new GgufFormatException(
                $"the header claims {metadataCount} metadata entries, but the {remaining} bytes left in the file can hold at most {remaining / MinMetadataEntryBytes}",
                metadataCountOffset);
        }

        if (tensorCount > remaining / MinTensorInfoBytes)
        {
            throw new GgufFormatException(
                $"the header claims {tensorCount} tensors, but the {remaining} bytes left in the file can describe at most {remaining / MinTensorInfoBytes}",
                tensorCountOffset);
        }

        if ((metadataCount * MinMetadataEntryBytes) + (tensorCount * MinTensorInfoBytes) > remaining)
        {
            throw new GgufFormatException(
                $"the header claims {metadataCount} metadata entries and {tensorCount} tensors, more than the {remaining} bytes left in the file can hold",
                tensorCountOffset);
        }
    }

    private (OrderedDictionary<string, GgufValue> Metadata, long AlignmentOffset) ReadMetadata(ulong count)
    {
        var metadata = new OrderedDictionary<string, GgufValue>((int)Math.Min(count, InitialCapacityLimit), StringComparer.Ordinal);
        long alignmentOffset = -1;
        for (ulong i = 0; i < count; i++)
        {
            _context = $"the key of metadata entry {i}";
            var keyOffset = Position;
            var key = ReadString(strictUtf8: true, GgufLimits.MaxKeyBytes, "metadata key");
            if (metadata.ContainsKey(key))
            {
                throw new GgufFormatException($"duplicate metadata key '{key}'", keyOffset);
            }

            _context = $"metadata key '{key}'";
            var typeOffset = Position;
            if (key == GgufKeys.Alignment)
            {
                alignmentOffset = typeOffset;
            }

            metadata.Add(key, ReadValue(ReadUInt32(), typeOffset));
        }

        return (metadata, alignmentOffset);
    }

    private static uint GetAlignment(OrderedDictionary<string, GgufValue> metadata, long offset)
    {
        if (!metadata.TryGetValue(GgufKeys.Alignment, out var value))
        {
            return GgufLimits.DefaultAlignment;
        }

        if (!value.TryGetUInt64(out var alignment))
        {
            throw new GgufFormatException(
                $"{GgufKeys.Alignment} must be an unsigned integer, but it is {(value.IsArray ? "an array" : $"{value.Type} {value}")}", offset);
        }

        if (alignment == 0 || alignment > uint.MaxValue || !BitOperations.IsPow2(alignment))
        {
            throw new GgufFormatException(
                $"{GgufKeys.Alignment} is {alignment}; it must be a power of two (1, 2, 4 … 2^31)", offset);
        }

        return (uint)alignment;
    }

    private GgufValue ReadValue(uint rawType, long typeOffset)
    {
        switch ((GgufValueType)rawType)
        {
            case GgufValueType.UInt8:
                return GgufValue.FromUInt8(ReadByte());
            case GgufValueType.Int8:
                return GgufValue.FromInt8((sbyte)ReadByte());
            case GgufValueType.UInt16:
                Ensure(2);
                return GgufValue.FromUInt16(BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
            case GgufValueType.Int16:
                Ensure(2);
                return GgufValue.FromInt16(BinaryPrimitives.ReadInt16LittleEndian(Take(2)));
            case GgufValueType.UInt32:
                return GgufValue.FromUInt32(ReadUInt32());
            case GgufValueType.Int32:
                Ensure(4);
                return GgufValue.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
            case GgufValueType.Float32:
                Ensure(4);
                return GgufValue.FromFloat32(BinaryPrimitives.ReadSingleLittleEndian(Take(4)));
            case GgufValueType.Bool:
                return GgufValue.FromBool(ReadBool());
            case GgufValueType.String:
                return GgufValue.FromString(ReadString(strictUtf8: false, long.MaxValue, "string"));
            case GgufValueType.Array:
                return ReadArray(depth: 1);
            case GgufValueType.UInt64:
                return GgufValue.FromUInt64(ReadUInt64());
            case GgufValueType.Int64:
                Ensure(8);
                return GgufValue.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(Take(8)));
            case GgufValueType.Float64:
                Ensure(8);
                return GgufValue.FromFloat64(BinaryPrimitives.ReadDoubleLittleEndian(Take(8)));
            default:
                throw new GgufFormatException($"{_context} has unknown value type {rawType}", typeOffset);
        }
    }

    private GgufValue ReadArray(int depth)
    {
        var typeOffset = Position;
        if (depth > GgufLimits.MaxArrayNesting)
        {
            throw new GgufFormatException(
                $"{_context} nests arrays more than {GgufLimits.MaxArrayNesting} levels deep", typeOffset);
        }

        var rawType = ReadUInt32();
        if (rawType > (uint)GgufValueType.Float64)
        {
            throw new GgufFormatException($"an array in {_context} has unknown element type {rawType}", typeOffset);
        }

        var elementType = (GgufValueType)rawType;
        var countOffset = Position;
        var count = ReadUInt64();
        var minBytes = MinEncodedBytes(elementType);
        if (count > (ulong)(Remaining / minBytes))
        {
            throw new GgufFormatException(
                $"an array in {_context} claims {count} {elementType} elements, but the {Remaining} bytes left in the file can hold at most {Remaining / minBytes}",
                countOffset);
        }

        if (count > (ulong)Array.MaxLength)
        {
            throw new GgufFormatException(
                $"an array in {_context} has {count} elements, more than this reader can hold ({Array.MaxLength})", countOffset);
        }

        var n = (int)count;
        return elementType switch
        {
            GgufValueType.UInt8 => GgufValue.Wrap(elementType, ReadPrimitives<byte>(n)),
            GgufValueType.Int8 => GgufValue.Wrap(elementType, ReadPrimitives<sbyte>(n)),
            GgufValueType.UInt16 => GgufValue.Wrap(elementType, ReadPrimitives<ushort>(n)),
            GgufValueType.Int16 => GgufValue.Wrap(elementType, ReadPrimitives<short>(n)),
            GgufValueType.UInt32 => GgufValue.Wrap(elementType, ReadPrimitives<uint>(n)),
            GgufValueType.Int32 => GgufValue.Wrap(elementType, ReadPrimitives<int>(n)),
            GgufValueType.Float32 => GgufValue.Wrap(elementType, ReadPrimitives<float>(n)),
            GgufValueType.UInt64 => GgufValue.Wrap(elementType, ReadPrimitives<ulong>(n)),
            GgufValueType.Int64 => GgufValue.Wrap(elementType, ReadPrimitives<long>(n)),
            GgufValueType.Float64 => GgufValue.Wrap(elementType, ReadPrimitives<double>(n)),
            GgufValueType.Bool => GgufValue.Wrap(elementType, ReadBools(n)),
            GgufValueType.String => GgufValue.Wrap(elementType, ReadStrings(n)),
            _ => GgufValue.Wrap(elementType, ReadArrays(n, depth)),
        };
    }

    private static long MinEncodedBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.String => 8,          // the length
        GgufValueType.Array => 4 + 8,       // element type and count
        _ => 8,
    };

    private T[] ReadPrimitives<T>(int count)
        where T : unmanaged
    {
        var values = new T[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            ToHostOrder(bytes, Unsafe.SizeOf<T>());
        }

        return values;
    }

    private static void ToHostOrder(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var u16 = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }

    private bool[] ReadBools(int count)
    {
        var values = new bool[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadBool();
        }

        return values;
    }

    private string[] ReadStrings(int count)
    {
        // Grows as strings are actually read, so a lying count costs no more than the bytes behind it.
        var values = new List<string>(Math.Min(count, InitialCapacityLimit));
        for (var i = 0; i < count; i++)
        {
            values.Add(ReadString(strictUtf8: false, long.MaxValue, "string"));
        }

        return [.. values];
    }

    private GgufValue[] ReadArrays(int count, int depth)
    {
        var values = new List<GgufValue>(Math.Min(count, InitialCapacityLimit));
        for (var i = 0; i < count; i++)
        {
            values.Add(ReadArray(depth + 1));
        }

        return [.. values];
    }

    private List<TensorEntry> ReadTensorInfos(ulong count)
    {
        var entries = new List<TensorEntry>((int)Math.Min(count, InitialCapacityLimit));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < count; i++)
        {
            _context = $"the name of tensor {i}";
            var nameOffset = Position;
            var name = ReadString(strictUtf8: true, GgufLimits.MaxTensorNameBytes, "tensor name");
            if (!names.Add(name))
            {
                throw new GgufFormatException($"duplicate tensor name '{name}'", nameOffset);
            }

            _context = $"tensor '{name}'";
            var dimsOffset = Position;
            var dimensionCount = ReadUInt32();
            if (dimensionCount > GgufLimits.MaxDimensions)
            {
                throw new GgufFormatException(
                    $"tensor '{name}' has {dimensionCount} dimensions; at most {GgufLimits.MaxDimensions} are allowed", dimsOffset);
            }

            if (dimensionCount == 0)
            {
                throw new GgufFormatException($"tensor '{name}' has 0 dimensions; at least 1 is required", dimsOffset);
            }

            var dims = new ulong[dimensionCount];
            for (var d = 0; d < dims.Length; d++)
            {
                dims[d] = ReadUInt64();
            }

            var typeOffset = Position;
            var rawType = ReadUInt32();
            if (!GgmlTypeInfo.TryGet(rawType, out var typeInfo))
            {
                throw new GgufFormatException(
                    $"tensor '{name}' has {GgmlTypeInfo.Describe(rawType)}, which is not a known tensor type", typeOffset);
            }

            var error = typeInfo.TryComputeSize(dims, out var elements, out var bytes);
            if (error is not null)
            {
                throw new GgufFormatException($"tensor '{name}': {error}", dimsOffset);
            }

            var offsetOffset = Position;
            var offset = ReadUInt64();
            entries.Add(new TensorEntry(name, typeInfo.Type, dims, offset, offsetOffset, elements, bytes));
        }

        return entries;
    }

    private List<GgufTensorInfo> ValidateTensorData(List<TensorEntry> entries, long dataOffset, uint alignment)
    {
        if (entries.Count > 0 && dataOffset > _length)
        {
            throw new GgufFormatException(
                $"the tensor data section would start at byte {dataOffset}, past the end of the file ({_length} bytes)", Position);
        }

        var available = (ulong)(_length - dataOffset);
        var tensors = new List<GgufTensorInfo>(entries.Count);
        foreach (var e in entries)
        {
            if (e.Offset % alignment != 0)
            {
                throw new GgufFormatException(
                    $"tensor '{e.Name}' data offset {e.Offset} is not a multiple of the alignment {alignment}", e.OffsetPosition);
            }

            if (e.Offset > available || (ulong)e.Bytes > available - e.Offset)
            {
                var start = (UInt128)(ulong)dataOffset + e.Offset;
                throw new GgufFormatException(
                    $"tensor '{e.Name}' data (bytes {start} to {start + (ulong)e.Bytes}) extends past the end of the file ({_length} bytes)",
                    e.OffsetPosition);
            }

            tensors.Add(new GgufTensorInfo(e.Name, e.Type, e.Dimensions, (long)e.Offset, e.Elements, e.Bytes));
        }

        CheckNoOverlap(tensors, dataOffset);
        return tensors;
    }

    private static void CheckNoOverlap(List<GgufTensorInfo> tensors, long dataOffset)
    {
        var byOffset = tensors.Where(t => t.ByteSize > 0).OrderBy(t => t.Offset).ToList();
        for (var i = 1; i < byOffset.Count; i++)
        {
            var previous = byOffset[i - 1];
            var current = byOffset[i];
            if (previous.Offset + previous.ByteSize > current.Offset)
            {
                throw new GgufFormatException(
                    $"tensor '{current.Name}' data (from byte {dataOffset + current.Offset}) overlaps tensor '{previous.Name}' (bytes {dataOffset + previous.Offset} to {dataOffset + previous.Offset + previous.ByteSize})");
            }
        }
    }

    private string ReadString(bool strictUtf8, long maxBytes, string what)
    {
        var lengthOffset = Position;
        var length = ReadUInt64();
        if (length > (ulong)Remaining)
        {
            throw new GgufFormatException(
                $"{what} length {length} in {_context} exceeds the {Remaining} bytes left in the file", lengthOffset);
        }

        if (length > (ulong)maxBytes)
        {
            throw new GgufFormatException(
                $"{what} of {length} bytes in {_context} is longer than the {maxBytes} bytes allowed", lengthOffset);
        }

        if (length > (ulong)Array.MaxLength)
        {
            throw new GgufFormatException(
                $"{what} of {length} bytes in {_context} is longer than this reader can hold", lengthOffset);
        }

        var n = (int)length;
        try
        {
            if (n <= _buffer.Length)
            {
                Ensure(n);
                var text = Decode(_buffer.AsSpan(_bufferPos, n), strictUtf8);
                _bufferPos += n;
                return text;
            }

            var bytes = new byte[n];
            ReadExactly(bytes);
            return Decode(bytes, strictUtf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new GgufFormatException($"{what} in {_context} is not valid UTF-8 ({ex.Message})", lengthOffset + 8);
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes, bool strict) =>
        strict ? StrictUtf8.GetString(bytes) : Encoding.UTF8.GetString(bytes);

    private bool ReadBool()
    {
        var offset = Position;
        var b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new GgufFormatException($"boolean in {_context} has value {b}; only 0 and 1 are allowed", offset),
        };
    }

    private byte ReadByte()
    {
        Ensure(1);
        return _buffer[_bufferPos++];
    }

    private uint ReadUInt32()
    {
        Ensure(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    }

    private ulong ReadUInt64()
    {
        Ensure(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    }

    /// <summary>The next <paramref name="count"/> buffered bytes (already ensured), consuming them.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        var span = _buffer.AsSpan(_bufferPos, count);
        _bufferPos += count;
        return span;
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer and the stream; the caller has checked it fits in the file.</summary>
    private void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_bufferPos == _bufferEnd)
            {
                Ensure(Math.Min(destination.Length, _buffer.Length));
            }

            var take = Math.Min(destination.Length, _bufferEnd - _bufferPos);
            _buffer.AsSpan(_bufferPos, take).CopyTo(destination);
            _bufferPos += take;
            destination = destination[take..];
        }
    }

    /// <summary>Makes at least <paramref name="count"/> bytes (at most the buffer size) available in the buffer.</summary>
    private void Ensure(int count)
    {
        if (_bufferEnd - _bufferPos >= count)
        {
            return;
        }

        if (count > Remaining)
        {
            throw Truncated(count, Remaining);
        }

        var kept = _bufferEnd - _bufferPos;
        Buffer.BlockCopy(_buffer, _bufferPos, _buffer, 0, kept);
        _bufferStart += _bufferPos;
        _bufferPos = 0;
        _bufferEnd = kept;
        while (_bufferEnd < count)
        {
            var wanted = (int)Math.Min(_buffer.Length - _bufferEnd, _length - (_bufferStart + _bufferEnd));
            var read = _stream.Read(_buffer, _bufferEnd, wanted);
            if (read == 0)
            {
                // The stream ended before the length it reported.
                throw Truncated(count, _bufferEnd);
            }

            _bufferEnd += read;
        }
    }

    private GgufFormatException Truncated(int needed, long available) =>
        new($"the file ends too early: reading {_context} needs {needed} bytes, but only {available} remain", Position);

    private static long AlignUp(long position, uint alignment) =>
        (position + alignment - 1) / alignment * alignment;

    private static string DescribeBytes(ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexString(bytes);
        var printable = bytes.ToArray().All(b => b is >= 0x20 and < 0x7F);
        return printable ? $"'{Encoding.ASCII.GetString(bytes)}' (0x{hex})" : $"0x{hex}";
    }

    private sealed record TensorEntry(
        string Name, GgmlType Type, ulong[] Dimensions, ulong Offset, long OffsetPosition, long Elements, long Bytes);
}
