using System.Buffers.Binary;
using Workbench.Core.Formats;
using Workbench.Core.Gguf;

namespace Workbench.Core.Hub;

/// <summary>Reads <paramref name="count"/> bytes of a remote file from <paramref name="offset"/> (fewer only at its end).</summary>
public delegate Task<byte[]> RangeSource(long offset, int count, CancellationToken cancellationToken);

/// <summary>How much of a remote file a header read may fetch.</summary>
public sealed record RemoteHeaderLimits
{
    /// <summary>The defaults: 1 MiB first, at most 64 MiB (a 256k-token vocabulary takes about 10).</summary>
    public static RemoteHeaderLimits Default { get; } = new();

    /// <summary>Bytes fetched by the first request; each further one doubles what is at hand.</summary>
    public int InitialBytes { get; init; } = 1024 * 1024;

    /// <summary>Most bytes fetched for one file's header; a header that needs more is refused.</summary>
    public int MaxBytes { get; init; } = 64 * 1024 * 1024;
}

/// <summary>A remote GGUF header and how many bytes of the file it took.</summary>
public sealed record RemoteGgufHeader(GgufFile File, long BytesRead);

/// <summary>A remote safetensors header, the bytes it came from (length prefix and JSON, to keep) and how many bytes of the file it took.</summary>
public sealed record RemoteSafetensorsHeader(SafetensorsHeader Header, byte[] HeaderBytes, long BytesRead);

/// <summary>
/// Reads the headers of remote model files by HTTP range requests, growing the range until the header parses,
/// through the same readers (and the same hostile-input checks) as local files. Tensor data is never fetched.
/// </summary>
public static class RemoteHeaderReader
{
    /// <summary>Reads a GGUF header: metadata and the whole tensor table.</summary>
    /// <exception cref="GgufFormatException">The header is malformed, or larger than <see cref="RemoteHeaderLimits.MaxBytes"/>.</exception>
    public static async Task<RemoteGgufHeader> ReadGgufAsync(
        RangeSource source, long fileLength, string name, RemoteHeaderLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(fileLength);
        var prefix = Array.Empty<byte>();
        var want = Math.Min(limits.InitialBytes, fileLength);
        while (true)
        {
            prefix = await GrowAsync(source, prefix, want, name, cancellationToken);
            try
            {
                return new RemoteGgufHeader(GgufReader.Read(new PrefixStream(prefix, fileLength)), prefix.Length);
            }
            catch (MoreBytesNeededException)
            {
                if (prefix.Length >= limits.MaxBytes || prefix.Length >= fileLength)
                {
                    throw new GgufFormatException(
                        $"{name}: the header does not end within the first {limits.MaxBytes / (1024 * 1024)} MiB, the most read from a remote file; it is refused.");
                }

                want = Math.Min(Math.Min((long)prefix.Length * 2, limits.MaxBytes), fileLength);
            }
        }
    }

    /// <summary>Reads a safetensors header: the length prefix, then the JSON it announces.</summary>
    /// <exception cref="ModelFormatException">The header is malformed, or larger than <see cref="RemoteHeaderLimits.MaxBytes"/>.</exception>
    public static async Task<RemoteSafetensorsHeader> ReadSafetensorsAsync(
        RangeSource source, long fileLength, string name, RemoteHeaderLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(limits);
        var prefix = await GrowAsync(source, [], Math.Min(Math.Min(limits.InitialBytes, 64 * 1024), fileLength), name, cancellationToken);
        if (prefix.Length >= 8)
        {
            var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (declared > (ulong)limits.MaxBytes)
            {
                throw new ModelFormatException(
                    $"{name}: the header length is {declared:N0} bytes; at most {limits.MaxBytes:N0} are read from a remote file");
            }

            var needed = Math.Min(8 + (long)declared, fileLength);
            prefix = await GrowAsync(source, prefix, needed, name, cancellationToken);
        }

        return new RemoteSafetensorsHeader(ParseSafetensors(prefix, fileLength, name), prefix, prefix.Length);
    }

    /// <summary>Parses a safetensors header from the first bytes of a file of <paramref name="fileLength"/> bytes (e.g. kept from an earlier read).</summary>
    /// <exception cref="ModelFormatException">The header is malformed or longer than the bytes given.</exception>
    public static SafetensorsHeader ParseSafetensors(byte[] headerBytes, long fileLength, string name)
    {
        ArgumentNullException.ThrowIfNull(headerBytes);
        try
        {
            return SafetensorsHeaderReader.Read(new PrefixStream(headerBytes, Math.Max(fileLength, headerBytes.Length)), name);
        }
        catch (MoreBytesNeededException e)
        {
            throw new ModelFormatException($"{name}: the header reads past the {headerBytes.Length:N0} bytes it announced", e);
        }
    }

    /// <summary>Fetches what is missing between the bytes at hand and <paramref name="want"/>.</summary>
    private static async Task<byte[]> GrowAsync(RangeSource source, byte[] prefix, long want, string name, CancellationToken cancellationToken)
    {
        if (want <= prefix.Length)
        {
            return prefix;
        }

        var count = (int)(want - prefix.Length);
        var more = await source(prefix.Length, count, cancellationToken);
        if (more.Length != count)
        {
            throw new HubException(
                $"{name}: the server sent {prefix.Length + more.Length:N0} bytes where the hub lists at least {want:N0}; the file changed or the listing is wrong.");
        }

        var grown = new byte[want];
        prefix.CopyTo(grown, 0);
        more.CopyTo(grown, prefix.Length);
        return grown;
    }
}
