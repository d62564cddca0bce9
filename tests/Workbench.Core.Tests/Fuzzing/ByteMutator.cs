using System.Buffers.Binary;

namespace Workbench.Core.Tests.Fuzzing;

/// <summary>
/// Deterministic mutations of a valid file, of the kinds that break parsers: flipped bits, boundary bytes,
/// counts and lengths replaced by extreme integers, truncation, and chunks inserted or removed.
/// </summary>
internal sealed class ByteMutator(int seed, int mutableLength)
{
    private static readonly ulong[] ExtremeIntegers =
        [0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, long.MaxValue, ulong.MaxValue, 1UL << 40];

    private readonly Random _random = new(seed);

    /// <summary>A mutated copy of <paramref name="original"/> with one to four mutations.</summary>
    public byte[] Mutate(byte[] original)
    {
        var bytes = (byte[])original.Clone();
        var count = _random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            bytes = _random.Next(6) switch
            {
                0 => FlipBit(bytes),
                1 => BoundaryByte(bytes),
                2 => ExtremeInteger(bytes),
                3 => Truncate(bytes),
                4 => Insert(bytes),
                _ => Remove(bytes),
            };
        }

        return bytes;
    }

    private int Position(byte[] bytes, int width = 1) => _random.Next(0, Math.Max(1, Math.Min(mutableLength, bytes.Length) - width + 1));

    private byte[] FlipBit(byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            bytes[Position(bytes)] ^= (byte)(1 << _random.Next(8));
        }

        return bytes;
    }

    private byte[] BoundaryByte(byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            bytes[Position(bytes)] = (byte)(_random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 });
        }

        return bytes;
    }

    private byte[] ExtremeInteger(byte[] bytes)
    {
        var width = _random.Next(2) == 0 ? 4 : 8;
        if (bytes.Length < width)
        {
            return bytes;
        }

        var at = Position(bytes, width);
        var value = ExtremeIntegers[_random.Next(ExtremeIntegers.Length)];
        if (width == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
        }

        return bytes;
    }

    private byte[] Truncate(byte[] bytes) => bytes[..Position(bytes)];

    private byte[] Insert(byte[] bytes)
    {
        var at = Position(bytes);
        var chunk = new byte[_random.Next(1, 16)];
        _random.NextBytes(chunk);
        return [.. bytes[..at], .. chunk, .. bytes[at..]];
    }

    private byte[] Remove(byte[] bytes)
    {
        var at = Position(bytes);
        var length = Math.Min(_random.Next(1, 16), bytes.Length - at);
        return [.. bytes[..at], .. bytes[(at + length)..]];
    }
}
