using System.Buffers.Binary;
using System.Text.Json;

namespace Workbench.Core.Formats;

/// <summary>
/// Reads the header of a safetensors file: an 8-byte little-endian length N, then N bytes of UTF-8 JSON mapping tensor
/// names to <c>{"dtype", "shape", "data_offsets"}</c>, plus an optional <c>__metadata__</c> map of strings; tensor
/// data follows. Tensor data is never read. The header is untrusted: its length is bounded before memory is allocated,
/// and every type, shape and offset is checked against the file, so a hostile or truncated file raises
/// <see cref="ModelFormatException"/> instead of a crash or a huge allocation.
/// </summary>
public static class SafetensorsHeaderReader
{
    /// <summary>Largest header accepted (the limit the safetensors library itself applies).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Most dimensions a tensor may have.</summary>
    public const int MaxDimensions = 16;

    /// <summary>Key of the free-form metadata entry in the header.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    /// <summary>Reads the header of the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a well-formed safetensors file.</exception>
    public static SafetensorsHeader ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>
    /// Reads a safetensors header from <paramref name="stream"/>, which must be readable and seekable and positioned at the
    /// start of the file (its length bounds every offset). <paramref name="name"/>, when given, prefixes error messages.
    /// </summary>
    /// <exception cref="ModelFormatException">The data is not a well-formed safetensors file.</exception>
    public static SafetensorsHeader Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        var fileLength = stream.Length - stream.Position;
        if (fileLength < 8)
        {
            throw Fail(name, $"the file is {fileLength} bytes long; a safetensors file starts with an 8-byte header length");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared > MaxHeaderBytes)
        {
            throw Fail(name, $"the header length is {declared:N0} bytes; at most {MaxHeaderBytes:N0} are allowed");
        }

        var headerLength = (long)declared;
        if (headerLength > fileLength - 8)
        {
            throw Fail(name, $"the header length is {headerLength:N0} bytes but only {fileLength - 8:N0} follow the length prefix (file truncated?)");
        }

        if (headerLength < 2)
        {
            throw Fail(name, $"the header length is {headerLength} bytes; the header must be a JSON object");
        }

        var json = new byte[headerLength];
        try
        {
            stream.ReadExactly(json);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(Prefix(name, "the file ended inside the header"), e);
        }

        if (json[0] != (byte)'{')
        {
            throw Fail(name, $"the header must start with '{{', not byte 0x{json[0]:X2}");
        }

        // JsonDocument checks UTF-8 only when a string is decoded; check it all now so a bad byte cannot surface later.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw Fail(name, "the header is not valid JSON (it is not valid UTF-8)");
        }

        return Parse(json, headerLength, fileLength, name);
    }

    private static SafetensorsHeader Parse(byte[] json, long headerLength, long fileLength, string? name)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(Prefix(name, $"the header is not valid JSON ({e.Message})"), e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail(name, "the header must be a JSON object");
            }

            var dataLength = fileLength - 8 - headerLength;
            var tensors = new List<SafetensorsTensor>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var sawMetadata = false;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw Fail(name, $"'{MetadataKey}' appears twice");
                    }

                    sawMetadata = true;
                    ReadMetadata(property.Value, metadata, name);
                    continue;
                }

                if (!seen.Add(property.Name))
                {
                    throw Fail(name, $"tensor '{property.Name}' appears twice");
                }

                tensors.Add(ReadTensor(property.Name, property.Value, dataLength, name));
            }

            CheckLayout(tensors, dataLength, name);
            return new SafetensorsHeader(headerLength, fileLength, tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string? name)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(name, $"'{MetadataKey}' must be an object of strings, not {JsonFiles.Describe(value.ValueKind)}");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(name, $"'{MetadataKey}' entry '{entry.Name}' must be a string, not {JsonFiles.Describe(entry.Value.ValueKind)}");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Fail(name, $"'{MetadataKey}' entry '{entry.Name}' appears twice");
            }
        }
    }

    private static SafetensorsTensor ReadTensor(string tensorName, JsonElement value, long dataLength, string? name)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(name, $"tensor '{tensorName}' must be an object, not {JsonFiles.Describe(value.ValueKind)}");
        }

        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw Fail(name, $"tensor '{tensorName}' has no \"dtype\" string");
        }

        var dtypeName = dtypeValue.GetString()!;
        if (!SafetensorsDType.TryGet(dtypeName, out var dtype))
        {
            throw Fail(name, $"tensor '{tensorName}' has unknown dtype '{dtypeName}'");
        }

        if (!value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw Fail(name, $"tensor '{tensorName}' has no \"shape\" array");
        }

        var rank = shapeValue.GetArrayLength();
        if (rank > MaxDimensions)
        {
            throw Fail(name, $"tensor '{tensorName}' has {rank} dimensions; at most {MaxDimensions} are allowed");
        }

        var shape = new long[rank];
        long elements = 1;
        var i = 0;
        foreach (var dimension in shapeValue.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var d) || d < 0)
            {
                throw Fail(name, $"tensor '{tensorName}' has dimension {i} = {dimension.GetRawText()}; dimensions must be non-negative integers");
            }

            shape[i++] = d;
            if (elements != 0 && d != 0 && elements > long.MaxValue / d)
            {
                throw Fail(name, $"tensor '{tensorName}' has shape [{string.Join(", ", shape.Take(i))}…], too many elements to count");
            }

            elements *= d;
        }

        if (elements > long.MaxValue / dtype.Bits)
        {
            throw Fail(name, $"tensor '{tensorName}' has {elements:N0} elements of {dtype.Name}, more bytes than a file can hold");
        }

        var bits = elements * dtype.Bits;
        if (bits % 8 != 0)
        {
            throw Fail(name, $"tensor '{tensorName}' has {elements:N0} elements of the {dtype.Bits}-bit type {dtype.Name}, which do not fill whole bytes");
        }

        var byteSize = bits / 8;
        var (start, end) = ReadOffsets(tensorName, value, name);
        if (end > dataLength)
        {
            throw Fail(name, $"tensor '{tensorName}' data ends at byte {end:N0} of the data section, which holds only {dataLength:N0} bytes (file truncated?)");
        }

        if (end - start != byteSize)
        {
            throw Fail(name, $"tensor '{tensorName}' is {dtype.Name} [{string.Join(", ", shape)}] = {byteSize:N0} bytes, but its data_offsets span {end - start:N0} bytes");
        }

        return new SafetensorsTensor(tensorName, dtype, shape, start, end, elements);
    }

    private static (long Start, long End) ReadOffsets(string tensorName, JsonElement value, string? name)
    {
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Fail(name, $"tensor '{tensorName}' has no \"data_offsets\" pair [begin, end]");
        }

        var begin = offsets[0];
        var finish = offsets[1];
        if (begin.ValueKind != JsonValueKind.Number || !begin.TryGetInt64(out var start) || start < 0
            || finish.ValueKind != JsonValueKind.Number || !finish.TryGetInt64(out var end) || end < 0)
        {
            throw Fail(name, $"tensor '{tensorName}' has data_offsets {offsets.GetRawText()}; offsets must be non-negative integers");
        }

        if (end < start)
        {
            throw Fail(name, $"tensor '{tensorName}' has data_offsets [{start}, {end}]: the end is before the beginning");
        }

        return (start, end);
    }

    /// <summary>As the safetensors library requires: tensors tile the data section exactly, without gaps or overlaps.</summary>
    private static void CheckLayout(List<SafetensorsTensor> tensors, long dataLength, string? name)
    {
        var ordered = tensors.OrderBy(t => t.DataStart).ThenBy(t => t.DataEnd).ToList();
        long expected = 0;
        SafetensorsTensor? previous = null;
        foreach (var tensor in ordered)
        {
            if (tensor.DataStart < expected)
            {
                throw Fail(name, $"tensor '{tensor.Name}' data [{tensor.DataStart:N0}, {tensor.DataEnd:N0}) overlaps tensor '{previous!.Name}'");
            }

            if (tensor.DataStart > expected)
            {
                throw Fail(name, $"{tensor.DataStart - expected:N0} bytes before tensor '{tensor.Name}' belong to no tensor");
            }

            expected = tensor.DataEnd;
            previous = tensor;
        }

        if (expected != dataLength)
        {
            throw Fail(name, $"the data section is {dataLength:N0} bytes but the tensors cover {expected:N0}");
        }
    }

    private static string Prefix(string? name, string message) => name is null ? message : $"{name}: {message}";

    private static ModelFormatException Fail(string? name, string message) => new(Prefix(name, message));
}
