using System.Globalization;

namespace Workbench.Core.Estimation;

/// <summary>Binary size units and the way estimates are written for people ("9.1 GiB", "300 MiB").</summary>
public static class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    /// <summary>"9.1 GiB" from 1 GiB up (one decimal, none for whole numbers), "300 MiB" below.</summary>
    public static string Format(long bytes)
    {
        if (Math.Abs(bytes) >= GiB)
        {
            var gib = Math.Round(bytes / (double)GiB, 1);
            return gib.ToString(gib == Math.Floor(gib) ? "0" : "0.0", CultureInfo.InvariantCulture) + " GiB";
        }

        return Math.Round(bytes / (double)MiB).ToString("0", CultureInfo.InvariantCulture) + " MiB";
    }
}
