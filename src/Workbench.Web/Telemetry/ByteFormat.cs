using System.Globalization;

namespace Workbench.Web.Telemetry;

/// <summary>Meters and chart axes in GiB (binary units, labelled as such, like <see cref="Workbench.Core.Estimation.ByteSize.Format"/>): used and total in one unit.</summary>
public static class ByteFormat
{
    private const double GiB = 1L << 30;

    /// <summary>"15.6 GiB" (binary units, labelled as such), or "?" when unknown.</summary>
    public static string Gb(long? bytes) =>
        bytes is { } b ? (b / GiB).ToString(b >= 100 * GiB ? "0" : "0.0", CultureInfo.InvariantCulture) + " GiB" : "?";

    /// <summary>Bytes as gibibytes (GiB) for a chart axis.</summary>
    public static double ToGb(long bytes) => Math.Round(bytes / GiB, 2);

    /// <summary>"3.2 / 24.0 GiB".</summary>
    public static string UsedOfTotal(long? used, long? total) =>
        $"{(used is { } u ? (u / GiB).ToString("0.0", CultureInfo.InvariantCulture) : "?")} / {Gb(total)}";
}
