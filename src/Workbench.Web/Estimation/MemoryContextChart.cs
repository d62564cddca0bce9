using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Web.Estimation;

/// <summary>
/// The Compare page's chart: memory against context length for a few quantizations, with each GPU's memory as a
/// flat line, so where a curve crosses the line is the longest context that fits.
/// </summary>
/// <param name="Labels">Context lengths, as the x axis reads them.</param>
/// <param name="Series">Name → GiB per context; the VRAM lines are named "VRAM: …".</param>
public sealed record MemoryContextChart(IReadOnlyList<string> Labels, IReadOnlyList<(string Name, double[] Gibibytes)> Series)
{
    /// <summary>The GGUF types drawn besides the selected row, when present.</summary>
    public static readonly IReadOnlyList<string> DrawnGguf = ["Q3_K_M", "Q4_K_M", "Q5_K_M", "Q8_0"];

    /// <summary>The chart for <paramref name="rows"/>: the selected row, a few GGUF types and one EXL2 and GPTQ row, and a line per VRAM budget.</summary>
    public static MemoryContextChart For(IReadOnlyList<FitRow> rows, string? selectedKey, IReadOnlyList<(string Name, long Bytes)> vramLines)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(vramLines);
        if (rows.Count == 0)
        {
            return new MemoryContextChart([], []);
        }

        var columns = rows[0].Cells.Select(c => Library.ModelDisplay.Context(c.ContextLength)).ToList();
        var drawn = rows.Where(r => r.Key == selectedKey
                || (r.Runtime == InferenceRuntime.LlamaCpp && DrawnGguf.Contains(r.Option.Label))
                || r.Option.Label == "EXL2 4.0 bpw"
                || (r.Option.Format == QuantizationFormat.Gptq && r.Runtime == InferenceRuntime.Vllm))
            .DistinctBy(r => r.Key)
            .Select(r => ($"{r.Option.Label} ({r.Runtime.DisplayName()})", r.Cells.Select(Gibibytes).ToArray()))
            .ToList();
        drawn.AddRange(vramLines.Select(v => ($"VRAM: {v.Name}", Enumerable.Repeat(v.Bytes / (double)ByteSize.GiB, columns.Count).ToArray())));
        return new MemoryContextChart(columns, drawn);
    }

    // GPU memory when anything runs on a GPU, else the RAM it needs.
    private static double Gibibytes(FitCell cell) =>
        (cell.Estimate.TotalGpuBytes > 0 ? cell.Estimate.TotalGpuBytes : cell.Estimate.TotalRamBytes) / (double)ByteSize.GiB;
}
