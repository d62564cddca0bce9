using System.Globalization;

namespace Workbench.Web.Workers;

/// <summary>Formats the time left before an idle model is unloaded, e.g. "14:05" or "1:02:00".</summary>
public static class KeepAliveCountdown
{
    /// <summary>Minutes and seconds (hours when needed); never negative.</summary>
    public static string Format(TimeSpan left)
    {
        var rounded = TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling(left.TotalSeconds)));
        return rounded.TotalHours >= 1
            ? rounded.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : rounded.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
