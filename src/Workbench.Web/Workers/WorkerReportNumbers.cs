namespace Workbench.Web.Workers;

/// <summary>
/// Numbers a worker reports, brought into ranges a machine can have: NaN and infinities are dropped (null, "not
/// reported"), percentages clamped to 0–100, watts, degrees and bytes outside any real hardware dropped.
/// </summary>
public static class WorkerReportNumbers
{
    /// <summary>Beyond any one machine's memory or disk (1 PiB).</summary>
    public const long MaxBytes = 1L << 50;

    /// <summary>Beyond any one board's power draw.</summary>
    public const double MaxWatts = 5_000;

    /// <summary>A share of time or capacity, 0–100.</summary>
    public static double? Percent(double? value) => Finite(value) is { } v ? Math.Clamp(v, 0, 100) : null;

    /// <summary>A share of time or capacity, 0–100.</summary>
    public static int? Percent(int? value) => value is { } v ? Math.Clamp(v, 0, 100) : null;

    /// <summary>A power draw; null when negative or beyond <see cref="MaxWatts"/>.</summary>
    public static double? Watts(double? value) => Finite(value) is { } v and >= 0 and <= MaxWatts ? v : null;

    /// <summary>A temperature in °C; null outside −50 to 150.</summary>
    public static int? Celsius(int? value) => value is >= -50 and <= 150 ? value : null;

    /// <summary>A size in bytes; null when negative or beyond <see cref="MaxBytes"/>.</summary>
    public static long? Bytes(long? value) => value is >= 0 and <= MaxBytes ? value : null;

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
