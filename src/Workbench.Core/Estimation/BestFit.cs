namespace Workbench.Core.Estimation;

/// <summary>"Best quality that fits": per context column, the row to recommend.</summary>
public static class BestFit
{
    /// <summary>
    /// For each context (column index), the row of the published-quality GGUF type with the smallest perplexity increase
    /// that fits fully on the GPUs; when none with a published figure fits, the largest-bit fitting row of any format;
    /// null when nothing fits.
    /// </summary>
    public static IReadOnlyList<FitRow?> PerContext(IReadOnlyList<FitRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count > 0 ? rows[0].Cells.Count : 0;
        var best = new FitRow?[columns];
        for (var c = 0; c < columns; c++)
        {
            var fitting = rows.Where(r => c < r.Cells.Count && r.Cells[c].Estimate.Verdict.Kind == FitKind.FitsFully).ToList();
            best[c] = fitting.Where(r => r.Quality is not null).OrderBy(r => r.Quality!.PerplexityIncrease).FirstOrDefault()
                ?? fitting.OrderByDescending(r => r.Option.BitsPerWeight).FirstOrDefault();
        }

        return best;
    }
}
