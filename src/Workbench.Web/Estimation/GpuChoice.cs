using System.Globalization;
using Workbench.Core.Estimation;
using Workbench.Core.Hardware;

namespace Workbench.Web.Estimation;

/// <summary>One way to answer "on what?" on the Compare page: a detected GPU, all of them, this machine's CPU, or a what-if size.</summary>
/// <param name="Key">Stable key for the selection.</param>
/// <param name="Label">What the chip says.</param>
/// <param name="Gpus">The GPU budgets the estimate uses (empty: CPU only).</param>
/// <param name="AvailableRamBytes">RAM judged, when known (detected choices only).</param>
/// <param name="Detected">Whether this is real hardware rather than a what-if.</param>
public sealed record GpuChoice(string Key, string Label, IReadOnlyList<GpuBudget> Gpus, long? AvailableRamBytes, bool Detected)
{
    /// <summary>The what-if sizes offered beside detected hardware, in GiB.</summary>
    public static readonly IReadOnlyList<int> PresetGigabytes = [8, 12, 16, 24, 48, 80];

    /// <summary>Detected choices first (each GPU, all GPUs when several, or the CPU when none), then the presets.</summary>
    public static IReadOnlyList<GpuChoice> For(DetectedBudget? detected)
    {
        var choices = new List<GpuChoice>();
        if (detected is not null)
        {
            for (var i = 0; i < detected.Gpus.Count; i++)
            {
                var gpu = detected.Gpus[i];
                choices.Add(new GpuChoice($"gpu{i}", $"{gpu.Name} · {FormatGib(gpu.FreeBytes)} free", [gpu], detected.AvailableRamBytes, true));
            }

            if (detected.Gpus.Count > 1)
            {
                choices.Add(new GpuChoice("gpu-all", $"all {detected.Gpus.Count} GPUs", detected.Gpus, detected.AvailableRamBytes, true));
            }

            if (detected.Gpus.Count == 0)
            {
                choices.Add(new GpuChoice("cpu", $"{detected.HostName}: CPU only", [], detected.AvailableRamBytes, true));
            }
        }

        choices.Add(new GpuChoice("none", "no GPU", [], null, false));
        choices.AddRange(PresetGigabytes.Select(gb =>
            new GpuChoice($"vram{gb}", $"{gb} GiB", [GpuBudget.WithGibibytes($"{gb} GiB GPU", gb)], null, false)));
        return choices;
    }

    /// <summary><paramref name="count"/> of the catalog GPU <paramref name="entry"/>, empty and with its bandwidth, so speed shows.</summary>
    public static GpuChoice FromCatalog(GpuCatalogEntry entry, int count)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var label = count == 1 ? entry.Name : string.Create(CultureInfo.InvariantCulture, $"{count} × {entry.Name}");
        IReadOnlyList<GpuBudget> gpus = [.. Enumerable.Range(0, count).Select(i => entry.ToBudget() with { Name = count == 1 ? entry.Name : string.Create(CultureInfo.InvariantCulture, $"{entry.Name} #{i + 1}") })];
        return new GpuChoice(string.Create(CultureInfo.InvariantCulture, $"catalog-{entry.Id}-x{count}"), label, gpus, null, false);
    }

    private static string FormatGib(long bytes) => ByteSize.Format(bytes);
}
