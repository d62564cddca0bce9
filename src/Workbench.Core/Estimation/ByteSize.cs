using System.Globalization;

namespace Workbench.Core.Estimation;

/// <summary>
/// Binary size units and the one way sizes are written for people on every page ("9.1 GiB", "300 MiB", "264 KiB"):
/// memory, model files and caches alike, so figures from different pages can be compared. JSON keeps bytes.
/// </summary>
public static class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    /// <summary>"9.1 GiB" from 1 GiB up (one decimal, none for whole numbers), "300 MiB" from 1 MiB, "264 KiB" from 1 KiB, "512 B" below.</summary>
    public static string Format(long bytes)
    {
        if (Math.Abs(bytes) >= GiB)
        {
            var gib = Math.Round(bytes / (double)GiB, 1);
            return gib.ToString(gib == Math.Floor(gib) ? "0" : "0.0", CultureInfo.InvariantCulture) + " GiB";
        }

        var (name, size) = UnitFor(bytes);
        return Math.Round(bytes / (double)size).ToString("0", CultureInfo.InvariantCulture) + " " + name;
    }

    /// <summary>The unit <see cref="Format"/> writes <paramref name="bytes"/> in, e.g. for a chart's axis: ("GiB", 2³⁰) … ("B", 1).</summary>
    public static (string Name, long Size) UnitFor(long bytes) => Math.Abs(bytes) switch
    {
        >= GiB => ("GiB", GiB),
        >= MiB => ("MiB", MiB),
        >= KiB => ("KiB", KiB),
        _ => ("B", 1),
    };
}
