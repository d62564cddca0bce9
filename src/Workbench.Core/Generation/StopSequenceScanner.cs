using System.Text;

namespace Workbench.Core.Generation;

/// <summary>
/// Cuts a streamed answer at the first of its stop sequences, which may arrive split across pieces.
/// Text that could still be the start of a stop sequence is held back until the next piece decides it.
/// </summary>
public sealed class StopSequenceScanner
{
    private readonly string[] _stops;
    private readonly StringBuilder _held = new();

    /// <summary>Watches for <paramref name="stopSequences"/>; empty sequences are ignored.</summary>
    public StopSequenceScanner(IEnumerable<string> stopSequences)
    {
        ArgumentNullException.ThrowIfNull(stopSequences);
        _stops = [.. stopSequences.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether a stop sequence was found; nothing more is emitted after that.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a piece of the answer and returns the text that is now certain to come before any stop sequence.</summary>
    public string Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (Stopped)
        {
            return string.Empty;
        }

        if (_stops.Length == 0)
        {
            return piece;
        }

        _held.Append(piece);
        var text = _held.ToString();
        var cut = FirstStop(text);
        if (cut >= 0)
        {
            Stopped = true;
            _held.Clear();
            return text[..cut];
        }

        var keep = LongestPartialStopAtEnd(text);
        _held.Clear().Append(text, text.Length - keep, keep);
        return text[..^keep];
    }

    /// <summary>The held-back text, once the answer has ended without a stop sequence.</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _held.ToString();
        _held.Clear();
        return rest;
    }

    private int FirstStop(string text)
    {
        var first = -1;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that begins some stop sequence.</summary>
    private int LongestPartialStopAtEnd(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
