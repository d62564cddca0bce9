using System.Text.Json;

namespace Workbench.Core.Formats;

/// <summary>
/// Reading of the small JSON side files that describe a model (config.json, sharding indexes, manifests):
/// the size is bounded before anything is read, and values of the wrong kind read as absent rather than failing.
/// </summary>
internal static class JsonFiles
{
    /// <summary>Largest side file read: real ones are a few kilobytes, tokenizer configs with templates a few hundred.</summary>
    public const int MaxSideFileBytes = 16 * 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>Reads and parses a JSON file whose root must be an object.</summary>
    /// <exception cref="ModelFormatException">The file is too large, not JSON, or its root is not an object.</exception>
    public static JsonDocument ReadObject(string path, int maxBytes = MaxSideFileBytes)
    {
        var name = Path.GetFileName(path);
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete))
        {
            if (stream.Length > maxBytes)
            {
                throw new ModelFormatException($"{name}: the file is {stream.Length:N0} bytes; at most {maxBytes:N0} are read.");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        return ParseFileBytes(bytes, name);
    }

    /// <summary>Parses a JSON file's bytes (read from disk or fetched from a hub) whose root must be an object.</summary>
    /// <exception cref="ModelFormatException">The bytes are too many, not JSON, or the root is not an object.</exception>
    public static JsonDocument ParseFileBytes(byte[] bytes, string name, int maxBytes = MaxSideFileBytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > maxBytes)
        {
            throw new ModelFormatException($"{name}: the file is {bytes.Length:N0} bytes; at most {maxBytes:N0} are read.");
        }

        // Editors on Windows may save JSON with a UTF-8 byte order mark, which the parser does not skip.
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return ParseObject(bytes.AsMemory(start), name);
    }

    /// <summary>Parses JSON whose root must be an object.</summary>
    /// <exception cref="ModelFormatException">The text is not JSON or its root is not an object.</exception>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> utf8, string name)
    {
        // JsonDocument checks UTF-8 only when a string is decoded; check it all now so a bad byte cannot surface later.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new ModelFormatException($"{name}: not valid JSON (it is not valid UTF-8)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{name}: not valid JSON ({e.Message})", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new ModelFormatException($"{name}: expected a JSON object at the top level, found {Describe(kind)}.");
        }

        return document;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>The named property of an object, when the element is an object and has it (and it is not null).</summary>
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(name, out value)
            && value.ValueKind != JsonValueKind.Null;
    }

    public static JsonElement? GetObject(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static string? GetString(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool? GetBool(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        }
        : null;

    /// <summary>A number (or a string holding one, as some quantizers write); null for anything else.</summary>
    public static double? GetDouble(JsonElement element, string name)
    {
        if (!TryGet(element, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }

        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out d)
            && double.IsFinite(d)
                ? d
                : null;
    }

    /// <summary>An integral number (4096 or 4096.0) that fits in a long; null for anything else.</summary>
    public static long? GetInt64(JsonElement element, string name)
    {
        if (!TryGet(element, name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var n))
        {
            return n;
        }

        return value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15 ? (long)d : null;
    }

    /// <summary>A positive integral number; null for anything else (absent, zero, negative, fractional).</summary>
    public static long? GetCount(JsonElement element, string name) => GetInt64(element, name) is > 0 and var n ? n : null;

    /// <summary>The first of <paramref name="names"/> that is a positive integral number.</summary>
    public static long? GetCount(JsonElement element, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (GetCount(element, name) is { } n)
            {
                return n;
            }
        }

        return null;
    }
}
