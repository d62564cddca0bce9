using System.Numerics;
using System.Text;

namespace Workbench.Core.Gguf;

/// <summary>
/// Builds a GGUF version 3 file (little-endian): metadata of any type, then tensors whose data comes from memory or
/// from a callback that streams it, so large files are never held in memory. Tensor data is placed in order,
/// each tensor starting on the alignment and padded to it, as llama.cpp lays files out.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>The GGUF version this writer produces.</summary>
    public const int FormatVersion = 3;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly OrderedDictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <summary>Creates a writer; an alignment other than 32 is recorded as <c>general.alignment</c>.</summary>
    /// <param name="alignment">Alignment of tensor data in bytes: a power of two.</param>
    public GgufWriter(uint alignment = GgufLimits.DefaultAlignment)
    {
        if (!BitOperations.IsPow2(alignment))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment must be a power of two.");
        }

        Alignment = alignment;
        if (alignment != GgufLimits.DefaultAlignment)
        {
            _metadata.Add(GgufKeys.Alignment, GgufValue.FromUInt32(alignment));
        }
    }

    public uint Alignment { get; }

    /// <summary>Adds a metadata entry; entries are written in the order added.</summary>
    /// <exception cref="ArgumentException">The key is empty, too long, already added, or is <c>general.alignment</c> (set through the constructor).</exception>
    public GgufWriter AddMetadata(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == GgufKeys.Alignment)
        {
            throw new ArgumentException($"Set {GgufKeys.Alignment} through the writer's constructor.", nameof(key));
        }

        if (Utf8.GetByteCount(key) > GgufLimits.MaxKeyBytes)
        {
            throw new ArgumentException($"A metadata key may be at most {GgufLimits.MaxKeyBytes} bytes long.", nameof(key));
        }

        if (!_metadata.TryAdd(key, value))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }

        return this;
    }

    /// <summary>Adds a tensor whose data is in memory (kept by reference until written).</summary>
    /// <param name="name">Tensor name, at most 64 UTF-8 bytes, unique.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dimensions">1 to 4 dimensions, innermost (ne[0]) first.</param>
    /// <param name="data">Exactly the tensor's byte size of data.</param>
    public GgufWriter AddTensor(string name, GgmlType type, ReadOnlySpan<ulong> dimensions, ReadOnlyMemory<byte> data)
    {
        var byteSize = CheckTensor(name, type, dimensions);
        if (data.Length != byteSize)
        {
            throw new ArgumentException(
                $"Tensor '{name}' of type {type} and shape [{string.Join(", ", dimensions.ToArray())}] needs {byteSize} bytes of data, not {data.Length}.",
                nameof(data));
        }

        return Add(new PendingTensor(name, type, dimensions.ToArray(), byteSize, data, null));
    }

    /// <summary>
    /// Adds a tensor whose data <paramref name="writeData"/> writes, when the file is written, to the stream it is given.
    /// It must write exactly the tensor's byte size.
    /// </summary>
    public GgufWriter AddTensor(string name, GgmlType type, ReadOnlySpan<ulong> dimensions, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        var byteSize = CheckTensor(name, type, dimensions);
        return Add(new PendingTensor(name, type, dimensions.ToArray(), byteSize, ReadOnlyMemory<byte>.Empty, writeData));
    }

    /// <summary>Number of bytes <see cref="WriteTo(Stream)"/> will write.</summary>
    public long ComputeFileLength() => AlignUp(BuildHeader().Length) + _tensors.Sum(t => AlignUp(t.ByteSize));

    /// <summary>Writes the whole file to <paramref name="stream"/> (which need not be seekable).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = BuildHeader();
        stream.Write(header);
        WritePadding(stream, header.Length);

        foreach (var tensor in _tensors)
        {
            if (tensor.WriteData is null)
            {
                stream.Write(tensor.Data.Span);
            }
            else
            {
                using var counting = new TensorDataStream(stream, tensor.ByteSize);
                tensor.WriteData(counting);
                if (counting.Written != tensor.ByteSize)
                {
                    throw new InvalidOperationException(
                        $"The data callback of tensor '{tensor.Name}' wrote {counting.Written} bytes; {tensor.ByteSize} were expected.");
                }
            }

            WritePadding(stream, tensor.ByteSize);
        }

        stream.Flush();
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/> atomically: into a temporary file in the same directory, flushed to disk,
    /// then moved over <paramref name="path"/>. If anything fails, an existing file at the path is left as it was.
    /// </summary>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no directory.", nameof(path));
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                WriteTo(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private long CheckTensor(string name, GgmlType type, ReadOnlySpan<ulong> dimensions)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Utf8.GetByteCount(name) > GgufLimits.MaxTensorNameBytes)
        {
            throw new ArgumentException($"Tensor name '{name}' is longer than {GgufLimits.MaxTensorNameBytes} bytes.", nameof(name));
        }

        if (_tensorNames.Contains(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }

        if (!GgmlTypeInfo.TryGet((long)type, out var info))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a known ggml type.");
        }

        var error = info.TryComputeSize(dimensions, out _, out var bytes);
        return error is null ? bytes : throw new ArgumentException($"Tensor '{name}': {error}.", nameof(dimensions));
    }

    private GgufWriter Add(PendingTensor tensor)
    {
        _tensorNames.Add(tensor.Name);
        _tensors.Add(tensor);
        return this;
    }

    private byte[] BuildHeader()
    {
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, Utf8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write((uint)FormatVersion);
            w.Write((ulong)_tensors.Count);
            w.Write((ulong)_metadata.Count);
            foreach (var (key, value) in _metadata)
            {
                WriteString(w, key);
                w.Write((uint)value.Type);
                WriteValue(w, value);
            }

            long offset = 0;
            foreach (var tensor in _tensors)
            {
                WriteString(w, tensor.Name);
                w.Write((uint)tensor.Dimensions.Length);
                foreach (var d in tensor.Dimensions)
                {
                    w.Write(d);
                }

                w.Write((uint)tensor.Type);
                w.Write((ulong)offset);
                offset += AlignUp(tensor.ByteSize);
            }
        }

        return memory.ToArray();
    }

    internal static void WriteValue(BinaryWriter w, GgufValue value)
    {
        if (value.IsArray)
        {
            WriteArray(w, value);
            return;
        }

        switch (value.RawValue)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write(v ? (byte)1 : (byte)0); break;
            case string v: WriteString(w, v); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            default: throw new InvalidOperationException($"Cannot write a {value.Type} value.");
        }
    }

    private static void WriteArray(BinaryWriter w, GgufValue array)
    {
        w.Write((uint)array.ElementType!.Value);
        w.Write((ulong)array.ArrayLength);
        switch (array.RawValue)
        {
            case GgufValue[] nested:
                foreach (var inner in nested)
                {
                    WriteArray(w, inner);
                }

                break;
            case string[] strings:
                foreach (var s in strings)
                {
                    WriteString(w, s);
                }

                break;
            case bool[] values:
                foreach (var v in values)
                {
                    w.Write(v ? (byte)1 : (byte)0);
                }

                break;
            case byte[] values:
                w.Write(values);
                break;
            case sbyte[] values:
                Array.ForEach(values, w.Write);
                break;
            case ushort[] values:
                Array.ForEach(values, w.Write);
                break;
            case short[] values:
                Array.ForEach(values, w.Write);
                break;
            case uint[] values:
                Array.ForEach(values, w.Write);
                break;
            case int[] values:
                Array.ForEach(values, w.Write);
                break;
            case float[] values:
                Array.ForEach(values, w.Write);
                break;
            case ulong[] values:
                Array.ForEach(values, w.Write);
                break;
            case long[] values:
                Array.ForEach(values, w.Write);
                break;
            case double[] values:
                Array.ForEach(values, w.Write);
                break;
            default:
                throw new InvalidOperationException($"Cannot write an array of {array.ElementType}.");
        }
    }

    internal static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Utf8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private void WritePadding(Stream stream, long written)
    {
        var padding = AlignUp(written) - written;
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        while (padding > 0)
        {
            var n = (int)Math.Min(padding, zeros.Length);
            stream.Write(zeros[..n]);
            padding -= n;
        }
    }

    private long AlignUp(long size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private sealed record PendingTensor(
        string Name, GgmlType Type, ulong[] Dimensions, long ByteSize, ReadOnlyMemory<byte> Data, Action<Stream>? WriteData);

    /// <summary>Write-only view of the output handed to a data callback; refuses bytes beyond the tensor's size.</summary>
    private sealed class TensorDataStream(Stream inner, long expected) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > expected - Written)
            {
                throw new InvalidOperationException(
                    $"The tensor data callback wrote more than the tensor's {expected} bytes.");
            }

            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
