using System.Globalization;
using Workbench.Core.Estimation;

namespace Workbench.Web.Estimation;

/// <summary>
/// The speed column of the Compare table: each row's expected decode speed at one context (the chosen column),
/// so speed, memory and quality read side by side.
/// </summary>
public static class RowSpeeds
{
    /// <summary>Row key → "23–37 tok/s", or "—" when it does not run or the GPU's bandwidth is unknown.</summary>
    public static IReadOnlyDictionary<string, string> At(
        IReadOnlyList<FitRow> rows, int context, RunSettings settings, IReadOnlyList<GpuBudget> gpus, double? ramBytesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        var speeds = new Dictionary<string, string>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var cell = row.Cells.FirstOrDefault(c => c.ContextLength == context);
            var speed = cell is null ? null
                : EstimateBreakdown.Of(row.Option.Model, settings with { ContextLength = checked(context * settings.ParallelSequences) }, cell.Estimate, gpus, ramBytesPerSecond).Speed;
            speeds[row.Key] = speed is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"{s.LowTokensPerSecond:F0}–{s.HighTokensPerSecond:F0} tok/s")
                : "—";
        }

        return speeds;
    }
}
