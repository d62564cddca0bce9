using System.Globalization;
using Workbench.Core.Estimation;
using Workbench.Core.Library;
using Workbench.Core.Telemetry;

namespace Workbench.Web.Overview;

/// <summary>One machine at a glance, nvitop-style: a bar, a number and its unit per resource.</summary>
/// <param name="Host">The machine's name.</param>
/// <param name="CpuPercent">CPU utilization, if known.</param>
/// <param name="Ram">RAM used of total.</param>
/// <param name="Gpus">One meter per GPU's memory, with its utilization.</param>
public sealed record MachineGlance(string Host, double? CpuPercent, Meter Ram, IReadOnlyList<GpuGlance> Gpus)
{
    /// <summary>The glance of <paramref name="sample"/>, the newest sample of <paramref name="host"/>.</summary>
    public static MachineGlance From(string host, TelemetrySample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new MachineGlance(
            host,
            sample.CpuUtilizationPercent,
            new Meter(sample.RamUsedBytes, sample.RamTotalBytes),
            [.. sample.Gpus.OrderBy(g => g.Index).Select(g => new GpuGlance(g.Name ?? $"GPU {g.Index}", new Meter(g.MemoryUsedBytes, g.MemoryTotalBytes), g.UtilizationPercent, g.TemperatureCelsius))]);
    }
}

/// <summary>A GPU at a glance.</summary>
/// <param name="Name">Product name.</param>
/// <param name="Vram">Memory used of total.</param>
/// <param name="UtilizationPercent">Load, if known.</param>
/// <param name="TemperatureCelsius">Temperature, if known.</param>
public sealed record GpuGlance(string Name, Meter Vram, int? UtilizationPercent, int? TemperatureCelsius);

/// <summary>Used of total bytes, for a bar and its label in GiB (binary units, labelled as such).</summary>
/// <param name="UsedBytes">Used, if known.</param>
/// <param name="TotalBytes">Total, if known.</param>
public sealed record Meter(long? UsedBytes, long? TotalBytes)
{
    private const double GiB = 1L << 30;

    /// <summary>0–100 for the bar; 0 when unknown.</summary>
    public double Percent => UsedBytes is { } used && TotalBytes is { } total && total > 0 ? Math.Clamp(100.0 * used / total, 0, 100) : 0;

    /// <summary>"3.2 / 24.0 GiB", with "?" for what is unknown.</summary>
    public string Label => $"{Format(UsedBytes)} / {Format(TotalBytes)} GiB";

    private static string Format(long? bytes) => bytes is { } b ? (b / GiB).ToString("0.0", CultureInfo.InvariantCulture) : "?";
}

/// <summary>The model library at a glance: how many models, how many fit this machine, how many could not be read.</summary>
/// <param name="Models">Models in the library.</param>
/// <param name="FitsFully">Models that fit entirely in this machine's GPU memory at the default context.</param>
/// <param name="CpuOnly">Models that run from RAM on the CPU (on a machine without a GPU, every model that fits).</param>
/// <param name="Unreadable">Files that could not be read.</param>
public sealed record LibraryGlance(int Models, int FitsFully, int CpuOnly, int Unreadable)
{
    /// <summary>Counts <paramref name="models"/>, asking <paramref name="verdict"/> whether each fits.</summary>
    public static LibraryGlance From(IReadOnlyCollection<ModelDescriptor> models, Func<ModelDescriptor, FitVerdict?> verdict)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(verdict);
        var kinds = models.Where(m => m.Error is null).Select(m => verdict(m)?.Kind).ToList();
        return new LibraryGlance(
            models.Count,
            kinds.Count(k => k == FitKind.FitsFully),
            kinds.Count(k => k == FitKind.CpuOnly),
            models.Count(m => m.Error is not null));
    }

    /// <summary>"12 models · 7 fit the GPU fully", or for a machine without GPU "4 models · 3 run on the CPU".</summary>
    public string Summary
    {
        get
        {
            if (Models == 0)
            {
                return "No models yet";
            }

            var parts = new List<string> { Models == 1 ? "1 model" : $"{Models} models" };
            if (FitsFully > 0 || CpuOnly == 0)
            {
                parts.Add($"{FitsFully} {(FitsFully == 1 ? "fits" : "fit")} the GPU fully");
            }

            if (CpuOnly > 0)
            {
                parts.Add($"{CpuOnly} {(CpuOnly == 1 ? "runs" : "run")} on the CPU");
            }

            if (Unreadable > 0)
            {
                parts.Add($"{Unreadable} unreadable");
            }

            return string.Join(" · ", parts);
        }
    }
}
