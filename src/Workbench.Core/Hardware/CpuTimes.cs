using System.Globalization;

namespace Workbench.Core.Hardware;

/// <summary>Cumulative CPU time of all cores from Linux's <c>/proc/stat</c>, in clock ticks.</summary>
/// <param name="Busy">Ticks spent running something (user, nice, system, irq, softirq, steal).</param>
/// <param name="Total">Busy ticks plus idle and I/O-wait ticks.</param>
public readonly record struct CpuTimes(long Busy, long Total)
{
    /// <summary>The aggregate "cpu" line of the text of <c>/proc/stat</c>; null when it is missing or malformed.</summary>
    public static CpuTimes? ParseProcStat(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already inside user and nice.
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).ToArray();
        if (values.Length < 4)
        {
            return null;
        }

        long total = 0;
        long idle = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!long.TryParse(values[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                return null;
            }

            total += ticks;
            if (i is 3 or 4)
            {
                idle += ticks;
            }
        }

        return new CpuTimes(total - idle, total);
    }

    /// <summary>Percent of time busy between an earlier reading and this one; null when no time passed.</summary>
    public double? UtilizationPercentSince(CpuTimes earlier)
    {
        var elapsed = Total - earlier.Total;
        if (elapsed <= 0)
        {
            return null;
        }

        return Math.Clamp((Busy - earlier.Busy) * 100.0 / elapsed, 0, 100);
    }
}
