namespace Workbench.Core.Hub;

/// <summary>
/// The first bytes of a remote file, seen as the whole file: <see cref="Length"/> is the real length, so the
/// header readers check every count and offset against it, and reading past the bytes at hand raises
/// <see cref="MoreBytesNeededException"/> instead of pretending the file ended.
/// </summary>
internal sealed class PrefixStream(byte[] prefix, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0 || _position >= length)
        {
            return 0;
        }

        if (_position >= prefix.Length)
        {
            throw new MoreBytesNeededException(_position);
        }

        var n = (int)Math.Min(buffer.Length, prefix.Length - _position);
        prefix.AsSpan((int)_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A header reader wanted bytes beyond those read so far.</summary>
internal sealed class MoreBytesNeededException(long position)
    : Exception($"More of the file is needed (from byte {position}).")
{
    public long Position { get; } = position;
}
