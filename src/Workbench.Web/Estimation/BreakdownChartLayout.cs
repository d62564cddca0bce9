using System.Globalization;
using Workbench.Core.Estimation;

namespace Workbench.Web.Estimation;

/// <summary>
/// Where the parts of a Compare cell go on its bar chart: one horizontal bar per memory pool (GPU, RAM) on a shared
/// axis in GiB (MiB for small models), with the pool's limit as a line: the VRAM on a GPU, the RAM when all runs on the CPU.
/// Positions are percentages of the chart's width, so the chart takes its card's width and its text stays a readable size.
/// </summary>
public sealed record BreakdownChartLayout(string Unit, IReadOnlyList<BreakdownTick> Ticks, IReadOnlyList<BreakdownBar> Bars)
{
    /// <summary>The layout of <paramref name="breakdown"/> for <paramref name="gpus"/> (none: CPU only) with <paramref name="ramBytes"/> of RAM (null: unknown).</summary>
    public static BreakdownChartLayout Of(EstimateBreakdown breakdown, IReadOnlyList<GpuBudget> gpus, long? ramBytes)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        ArgumentNullException.ThrowIfNull(gpus);
        var gpuTotal = breakdown.Parts.Sum(p => p.GpuBytes);
        var ramTotal = breakdown.Parts.Sum(p => p.RamBytes);
        long? vram = gpus.Count > 0 ? gpus.Sum(g => g.FreeBytes) : null;
        // The RAM's line only when nothing runs on a GPU: beside a GPU it would stretch the axis far past the VRAM.
        var ramLimit = vram is null ? ramBytes : null;

        var top = new[] { gpuTotal, ramTotal, vram ?? 0, ramLimit ?? 0 }.Max();
        var (unit, unitBytes) = top >= ByteSize.GiB ? ("GiB", (double)ByteSize.GiB) : ("MiB", ByteSize.MiB);
        var step = NiceStep(Math.Max(top, 1) / unitBytes);
        var steps = Math.Max(1, (int)Math.Ceiling(top / unitBytes / step));
        var scale = steps * step * unitBytes;

        var ticks = Enumerable.Range(0, steps + 1)
            .Select(i => new BreakdownTick(Percent(i * step * unitBytes, scale), (i * step).ToString("0.##", CultureInfo.InvariantCulture)))
            .ToList();
        var bars = new List<BreakdownBar>();
        if (vram is { } v)
        {
            bars.Add(Bar("GPU", breakdown.Parts.Select(p => (p.Part, p.GpuBytes)), scale, v, $"VRAM {ByteSize.Format(v)}"));
        }

        if (vram is null || ramTotal > 0)
        {
            bars.Add(Bar("RAM", breakdown.Parts.Select(p => (p.Part, p.RamBytes)), scale, ramLimit, ramLimit is { } r ? $"RAM {ByteSize.Format(r)}" : null));
        }

        return new BreakdownChartLayout(unit, ticks, bars);
    }

    private static BreakdownBar Bar(string label, IEnumerable<(string Part, long Bytes)> parts, double scale, long? limit, string? limitLabel)
    {
        var segments = new List<BreakdownSegment>();
        long start = 0;
        var index = 0;
        foreach (var (part, bytes) in parts)
        {
            if (bytes > 0)
            {
                segments.Add(new BreakdownSegment(part, index, bytes, Percent(start, scale), Percent(bytes, scale)));
            }

            start += bytes;
            index++;
        }

        return new BreakdownBar(label, segments, start, limit is { } l ? Percent(l, scale) : null, limitLabel, limit is { } over && start > over);
    }

    private static double Percent(double bytes, double scale) => Math.Round(bytes / scale * 100, 2);

    private static readonly int[] NiceMultiples = [1, 2, 5, 10];

    // 1, 2 or 5 times a power of ten, so that the axis has at most about six steps.
    private static double NiceStep(double top)
    {
        var rough = top / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return NiceMultiples.Select(m => m * power).First(s => s >= rough);
    }
}

/// <summary>A tick on the axis.</summary>
/// <param name="Percent">Its place, 0–100 % of the chart's width.</param>
/// <param name="Label">The figure in the chart's unit.</param>
public sealed record BreakdownTick(double Percent, string Label);

/// <summary>One pool's bar.</summary>
/// <param name="Label">"GPU" or "RAM".</param>
/// <param name="Segments">The parts it holds, in stacking order; empty parts left out.</param>
/// <param name="TotalBytes">What it holds in all.</param>
/// <param name="LimitPercent">Where its limit's line goes, when drawn.</param>
/// <param name="LimitLabel">e.g. "VRAM 24 GiB".</param>
/// <param name="OverLimit">It holds more than its limit.</param>
public sealed record BreakdownBar(string Label, IReadOnlyList<BreakdownSegment> Segments, long TotalBytes, double? LimitPercent, string? LimitLabel, bool OverLimit);

/// <summary>One part within a bar.</summary>
/// <param name="Part">"weights", "KV cache", "compute" or "overhead".</param>
/// <param name="Index">Its place among the parts (the same colour in every bar).</param>
/// <param name="Bytes">Its size.</param>
/// <param name="StartPercent">Where it starts, 0–100 % of the chart's width.</param>
/// <param name="WidthPercent">How wide it is.</param>
public sealed record BreakdownSegment(string Part, int Index, long Bytes, double StartPercent, double WidthPercent);
