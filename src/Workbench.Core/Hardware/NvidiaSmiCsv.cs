using System.Globalization;

namespace Workbench.Core.Hardware;

/// <summary>
/// Reads the output of <c>nvidia-smi --query-gpu=<see cref="QueryFields"/> --format=csv,noheader,nounits</c>.
/// Values nvidia-smi cannot give ("[N/A]", "[Not Supported]", any bracketed text) and missing trailing columns
/// become null; lines that do not start with a GPU index (messages, blank lines) are skipped.
/// </summary>
public static class NvidiaSmiCsv
{
    /// <summary>The columns, in the order the parser expects them.</summary>
    public const string QueryFields =
        "index,name,uuid,memory.total,memory.used,memory.free,utilization.gpu,utilization.memory,temperature.gpu,"
        + "power.draw,power.limit,clocks.sm,clocks.mem,pcie.link.gen.current,pcie.link.width.current,driver_version";

    private const long MiB = 1L << 20;

    /// <summary>One <see cref="GpuInfo"/> per data line.</summary>
    public static IReadOnlyList<GpuInfo> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gpus = new List<GpuInfo>();
        foreach (var line in text.Split('\n'))
        {
            var columns = line.Split(',', StringSplitOptions.TrimEntries);
            if (Integer(columns, 0) is not { } index)
            {
                continue;
            }

            gpus.Add(new GpuInfo
            {
                Index = index,
                Name = Text(columns, 1),
                Uuid = Text(columns, 2),
                MemoryTotalBytes = Number(columns, 3) is { } total ? (long)(total * MiB) : null,
                MemoryUsedBytes = Number(columns, 4) is { } used ? (long)(used * MiB) : null,
                MemoryFreeBytes = Number(columns, 5) is { } free ? (long)(free * MiB) : null,
                GpuUtilizationPercent = Integer(columns, 6),
                MemoryUtilizationPercent = Integer(columns, 7),
                TemperatureCelsius = Integer(columns, 8),
                PowerDrawWatts = Number(columns, 9),
                PowerLimitWatts = Number(columns, 10),
                SmClockMhz = Integer(columns, 11),
                MemoryClockMhz = Integer(columns, 12),
                PcieLinkGeneration = Integer(columns, 13),
                PcieLinkWidth = Integer(columns, 14),
                DriverVersion = Text(columns, 15),
            });
        }

        return gpus;
    }

    private static string? Text(string[] columns, int index)
    {
        if (index >= columns.Length)
        {
            return null;
        }

        var value = columns[index].TrimEnd('\r').Trim();
        return value.Length == 0 || value.StartsWith('[') || value is "N/A" ? null : value;
    }

    private static double? Number(string[] columns, int index) =>
        double.TryParse(Text(columns, index), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    private static int? Integer(string[] columns, int index) =>
        Number(columns, index) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)Math.Round(value) : null;
}
