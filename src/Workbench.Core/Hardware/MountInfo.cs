using System.Globalization;
using System.Text;

namespace Workbench.Core.Hardware;

/// <summary>One line of Linux's <c>/proc/self/mountinfo</c>.</summary>
/// <param name="MountPoint">Where the file system is mounted, with the kernel's octal escapes decoded.</param>
/// <param name="Major">Major device number (0 for virtual file systems, and for btrfs subvolumes).</param>
/// <param name="Minor">Minor device number.</param>
/// <param name="FileSystemType">e.g. "ext4", "overlay".</param>
/// <param name="Source">Mount source, e.g. "/dev/nvme0n1p2" or "overlay".</param>
public sealed record MountInfoEntry(string MountPoint, int Major, int Minor, string FileSystemType, string Source);

/// <summary>Reads <c>/proc/self/mountinfo</c> and finds the mount holding a path.</summary>
public static class MountInfo
{
    /// <summary>The mounts in the text, in mount order; malformed lines are skipped.</summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<MountInfoEntry>();
        foreach (var line in text.Split('\n'))
        {
            // id parent major:minor root mount-point options [optional fields…] - fstype source super-options
            var fields = line.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10)
            {
                continue;
            }

            var separator = Array.IndexOf(fields, "-", 6);
            if (separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }

            var device = fields[2].Split(':');
            if (device.Length != 2
                || !int.TryParse(device[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                || !int.TryParse(device[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                continue;
            }

            entries.Add(new MountInfoEntry(Unescape(fields[4]), major, minor, fields[separator + 1], Unescape(fields[separator + 2])));
        }

        return entries;
    }

    /// <summary>
    /// The mount whose mount point is the longest whole-segment prefix of <paramref name="absolutePath"/>; of
    /// several mounts on the same point the last one (it hides the others). Null when none matches.
    /// </summary>
    public static MountInfoEntry? FindMount(IReadOnlyList<MountInfoEntry> entries, string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(absolutePath);
        MountInfoEntry? best = null;
        foreach (var entry in entries)
        {
            if (Contains(entry.MountPoint, absolutePath) && (best is null || entry.MountPoint.Length >= best.MountPoint.Length))
            {
                best = entry;
            }
        }

        return best;
    }

    private static bool Contains(string mountPoint, string path)
    {
        if (mountPoint == "/")
        {
            return path.StartsWith('/');
        }

        var trimmed = mountPoint.TrimEnd('/');
        return path.StartsWith(trimmed, StringComparison.Ordinal)
            && (path.Length == trimmed.Length || path[trimmed.Length] == '/');
    }

    // The kernel writes space, tab, newline and backslash in paths as \040, \011, \012 and \134.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;
}
