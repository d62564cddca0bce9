namespace Workbench.Core.Gguf;

/// <summary>
/// Reads the header of a GGUF file (versions 2 and 3, little-endian): metadata, tensor descriptions and layout.
/// Tensor data is never read. Every field is treated as untrusted: anything malformed, inconsistent or
/// larger than the file could hold raises <see cref="GgufFormatException"/> before memory is allocated for it.
/// </summary>
public static class GgufReader
{
    /// <summary>
    /// Reads a GGUF header from <paramref name="stream"/>, starting at its current position (which counts as byte 0).
    /// The stream must be readable and seekable: its length bounds every count and offset in the header.
    /// It is read sequentially through the header plus at most 64 KiB of read-ahead, and its position afterwards is unspecified.
    /// </summary>
    /// <exception cref="GgufFormatException">The data is not a well-formed GGUF file.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read or cannot report its length.</exception>
    public static GgufFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        if (!stream.CanSeek)
        {
            throw new ArgumentException(
                "The stream must be seekable: the reader checks every count and offset against the stream's length.",
                nameof(stream));
        }

        return new GgufHeaderParser(stream).Parse();
    }

    /// <summary>Reads the header of the GGUF file at <paramref name="path"/>.</summary>
    /// <exception cref="GgufFormatException">The file is not a well-formed GGUF file.</exception>
    public static GgufFile ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // bufferSize 1 turns off FileStream's own buffering: the parser buffers.
        using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream);
    }
}
