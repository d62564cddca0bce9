using System.Globalization;
using MudBlazor;
using Workbench.Core.Telemetry;
using Workbench.Web.Estimation;

namespace Workbench.Web.Telemetry;

/// <summary>The chart series of one worker host, built from its recent samples (oldest first).</summary>
public sealed class TelemetryChartSet
{
    private TelemetryChartSet(string[] labels, List<ChartSeries<double>> cpu, List<ChartSeries<double>> ram, List<GpuCharts> gpus)
    {
        Labels = labels;
        Cpu = cpu;
        Ram = ram;
        Gpus = gpus;
    }

    /// <summary>X-axis labels: seconds before the newest sample, shown every <c>labelEvery</c> points.</summary>
    public string[] Labels { get; }

    /// <summary>CPU utilization in percent.</summary>
    public List<ChartSeries<double>> Cpu { get; }

    /// <summary>RAM used and the worker's resident memory, in GB.</summary>
    public List<ChartSeries<double>> Ram { get; }

    /// <summary>One set of charts per GPU.</summary>
    public IReadOnlyList<GpuCharts> Gpus { get; }

    /// <summary>Height of the activity line on the percent axis: loading low, prompt higher, generating at the top.</summary>
    public static double ActivityLevel(WorkerActivity activity) => activity switch
    {
        WorkerActivity.Generating => 100,
        WorkerActivity.Prompt => 75,
        WorkerActivity.Loading => 50,
        _ => 0,
    };

    /// <summary>The worker's states drawn on the CPU chart, with the names the legend gives them.</summary>
    public static IReadOnlyList<(WorkerActivity State, string Name)> ActivityStates { get; } =
    [
        (WorkerActivity.Loading, "Worker loading a model"),
        (WorkerActivity.Prompt, "Worker reading a prompt"),
        (WorkerActivity.Generating, "Worker generating"),
    ];

    /// <summary>Name of the reference line: what the estimator says the loaded model takes.</summary>
    public const string EstimateSeriesName = "Loaded model, estimated (GiB)";

    /// <summary>
    /// Charts of <paramref name="samples"/>, oldest first; with <paramref name="activity"/>, the CPU chart also marks
    /// when the worker loaded, read a prompt or generated, on the same time axis. With <paramref name="reference"/>, the
    /// RAM chart and each GPU's VRAM chart get the loaded model's estimate as a flat line beside what the worker holds.
    /// </summary>
    public static TelemetryChartSet From(
        IReadOnlyList<TelemetrySample> samples, int labelEvery = 15, IReadOnlyList<WorkerActivitySpan>? activity = null, ModelMemoryReference? reference = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var newest = samples.Count > 0 ? samples[^1].Timestamp : DateTimeOffset.MinValue;
        var labels = samples
            .Select((s, i) => (samples.Count - 1 - i) % Math.Max(1, labelEvery) != 0 ? string.Empty
                : (int)(newest - s.Timestamp).TotalSeconds is var ago and > 0 ? "-" + ago.ToString(CultureInfo.InvariantCulture) + " s"
                : "now")
            .ToArray();
        var cpu = new List<ChartSeries<double>> { Series("CPU %", samples.Select(s => s.CpuUtilizationPercent ?? 0)) };
        if (activity is not null)
        {
            // One series per state, so the legend names states (not a made-up percent scale); each is drawn only while it lasts.
            var states = samples.Select(s => WorkerActivityLog.At(activity, s.Timestamp)).ToList();
            foreach (var (state, name) in ActivityStates)
            {
                cpu.Add(Series(name, states.Select(a => a == state ? ActivityLevel(a) : 0)));
            }
        }

        var ram = new List<ChartSeries<double>>
        {
            Series("RAM used (GiB)", samples.Select(s => s.RamUsedBytes is { } b ? ByteFormat.ToGb(b) : 0)),
            Series("Worker RSS (GiB)", samples.Select(s => s.WorkerResidentBytes is { } b ? ByteFormat.ToGb(b) : 0)),
        };
        if (reference is { RamBytes: > 0 })
        {
            ram.Add(Series(EstimateSeriesName, samples.Select(_ => ByteFormat.ToGb(reference.RamBytes))));
        }

        var gpuIndexes = samples.SelectMany(s => s.Gpus).Select(g => (g.Index, g.Name)).DistinctBy(g => g.Index).OrderBy(g => g.Index);
        var gpus = gpuIndexes.Select(gpu =>
        {
            GpuTelemetry? Of(TelemetrySample s) => s.Gpus.FirstOrDefault(g => g.Index == gpu.Index);
            var memory = new List<ChartSeries<double>>
            {
                Series("VRAM used (GiB)", samples.Select(s => Of(s)?.MemoryUsedBytes is { } b ? ByteFormat.ToGb(b) : 0)),
                Series("VRAM total (GiB)", samples.Select(s => Of(s)?.MemoryTotalBytes is { } b ? ByteFormat.ToGb(b) : 0)),
            };
            if (samples.Any(s => Of(s)?.WorkerMemoryUsedBytes is not null))
            {
                memory.Add(Series("Worker VRAM (GiB)", samples.Select(s => Of(s)?.WorkerMemoryUsedBytes is { } b ? ByteFormat.ToGb(b) : 0)));
            }

            if (reference?.GpuBytesByIndex.TryGetValue(gpu.Index, out var estimated) == true)
            {
                memory.Add(Series(EstimateSeriesName, samples.Select(_ => ByteFormat.ToGb(estimated))));
            }

            return new GpuCharts(
                gpu.Index,
                gpu.Name ?? $"GPU {gpu.Index}",
                memory,
                [
                    Series("Utilization %", samples.Select(s => (double)(Of(s)?.UtilizationPercent ?? 0))),
                    Series("Temperature °C", samples.Select(s => (double)(Of(s)?.TemperatureCelsius ?? 0))),
                ]);
        }).ToList();
        return new TelemetryChartSet(labels, cpu, ram, gpus);
    }

    private static ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = new ChartData<double>([.. values]) };
}

/// <summary>Charts of one GPU.</summary>
/// <param name="Index">Driver index.</param>
/// <param name="Name">Product name.</param>
/// <param name="Memory">VRAM used and total, in GB.</param>
/// <param name="Load">Utilization in percent and temperature in °C.</param>
public sealed record GpuCharts(int Index, string Name, List<ChartSeries<double>> Memory, List<ChartSeries<double>> Load);
