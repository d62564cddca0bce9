using System.Globalization;

namespace Workbench.Core.Hardware;

/// <summary>Reads Linux's memory files: <c>/proc/meminfo</c> and the VmRSS line of <c>/proc/self/status</c>.</summary>
public static class ProcMeminfo
{
    /// <summary>RAM and swap from the text of <c>/proc/meminfo</c>; the process fields are left null.</summary>
    public static MemoryInfo Parse(string meminfo)
    {
        var fields = ParseFields(meminfo);
        var available = fields.GetValueOrDefault("MemAvailable");

        // Kernels before 3.14 have no MemAvailable; free + page cache + buffers is the usual estimate.
        if (available is null && fields.GetValueOrDefault("MemFree") is { } free)
        {
            available = free + (fields.GetValueOrDefault("Cached") ?? 0) + (fields.GetValueOrDefault("Buffers") ?? 0);
        }

        return new MemoryInfo
        {
            TotalBytes = fields.GetValueOrDefault("MemTotal"),
            AvailableBytes = available,
            SwapTotalBytes = fields.GetValueOrDefault("SwapTotal"),
            SwapFreeBytes = fields.GetValueOrDefault("SwapFree"),
        };
    }

    /// <summary>Resident set size in bytes from the text of <c>/proc/[pid]/status</c>; null when absent (kernel threads).</summary>
    public static long? ParseResidentBytes(string status) => ParseFields(status).GetValueOrDefault("VmRSS");

    /// <summary>
    /// Lines of the form <c>Name:   1234 kB</c> → bytes (or the bare number when there is no unit). Lines that are
    /// not a number are skipped.
    /// </summary>
    private static Dictionary<string, long?> ParseFields(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var parts = line[(colon + 1)..].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var multiplier = parts.Length > 1 && parts[1].Equals("kB", StringComparison.OrdinalIgnoreCase) ? 1024L : 1L;
            fields.TryAdd(line[..colon].Trim(), number * multiplier);
        }

        return fields;
    }
}
