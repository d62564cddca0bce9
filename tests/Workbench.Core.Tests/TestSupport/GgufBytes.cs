using System.Text;
using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.TestSupport;

/// <summary>
/// Hand-assembles GGUF bytes field by field, so tests can build files the writer would refuse to make:
/// wrong versions, lying counts, bad types, misplaced data.
/// </summary>
internal sealed class GgufBytes
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _writer;

    private GgufBytes()
    {
        _writer = new BinaryWriter(_stream, new UTF8Encoding(false), leaveOpen: true);
    }

    public long Length
    {
        get
        {
            _writer.Flush();
            return _stream.Length;
        }
    }

    /// <summary>Nothing at all; start here to write a bad magic.</summary>
    public static GgufBytes Empty() => new();

    /// <summary>Magic, version, tensor count and metadata count.</summary>
    public static GgufBytes Header(uint version = 3, ulong tensorCount = 0, ulong metadataCount = 0) =>
        new GgufBytes().Raw("GGUF"u8).U32(version).U64(tensorCount).U64(metadataCount);

    public GgufBytes Raw(ReadOnlySpan<byte> bytes)
    {
        _writer.Write(bytes);
        return this;
    }

    public GgufBytes U8(byte value)
    {
        _writer.Write(value);
        return this;
    }

    public GgufBytes U32(uint value)
    {
        _writer.Write(value);
        return this;
    }

    public GgufBytes U64(ulong value)
    {
        _writer.Write(value);
        return this;
    }

    public GgufBytes F32(float value)
    {
        _writer.Write(value);
        return this;
    }

    /// <summary>A GGUF string: u64 byte length, then UTF-8 bytes.</summary>
    public GgufBytes Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return U64((ulong)bytes.Length).Raw(bytes);
    }

    /// <summary>A metadata key followed by a value type; the caller writes the value.</summary>
    public GgufBytes Key(string key, GgufValueType type) => Str(key).U32((uint)type);

    public GgufBytes KeyU32(string key, uint value) => Key(key, GgufValueType.UInt32).U32(value);

    public GgufBytes KeyString(string key, string value) => Key(key, GgufValueType.String).Str(value);

    /// <summary>A tensor info: name, dimension count, dimensions, type, data offset.</summary>
    public GgufBytes Tensor(string name, GgmlType type, ulong offset, params ulong[] dims) =>
        TensorRaw(name, (uint)dims.Length, dims, (uint)type, offset);

    public GgufBytes TensorRaw(string name, uint dimensionCount, ulong[] dims, uint type, ulong offset)
    {
        Str(name).U32(dimensionCount);
        foreach (var d in dims)
        {
            U64(d);
        }

        return U32(type).U64(offset);
    }

    /// <summary>Zero bytes up to the next multiple of <paramref name="alignment"/>.</summary>
    public GgufBytes PadTo(int alignment)
    {
        var length = Length;
        return Zeros((int)((alignment - (length % alignment)) % alignment));
    }

    public GgufBytes Zeros(int count) => Raw(new byte[count]);

    public byte[] ToArray()
    {
        _writer.Flush();
        return _stream.ToArray();
    }

    public MemoryStream ToStream() => new(ToArray(), writable: false);
}
