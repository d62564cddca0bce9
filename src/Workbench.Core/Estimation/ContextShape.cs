namespace Workbench.Core.Estimation;

/// <summary>
/// The sizes llama.cpp actually allocates for a context once it has adjusted the requested settings
/// (llama_context's constructor and the KV cache constructors).
/// </summary>
/// <param name="RequestedContext">n_ctx as asked for (the training context when none was asked for).</param>
/// <param name="ContextCells">Cells of the full-attention KV cache: n_ctx padded up to a multiple of 256.</param>
/// <param name="SlidingWindowCells">Cells of the sliding-window KV cache (equal to <paramref name="ContextCells"/> when the model has no window or the full cache is asked for).</param>
/// <param name="MicroBatch">n_ubatch after capping: min(n_ubatch, n_batch, requested n_ctx).</param>
/// <param name="Sequences">n_seq_max.</param>
public sealed record ContextShape(int RequestedContext, int ContextCells, int SlidingWindowCells, int MicroBatch, int Sequences)
{
    /// <summary>Padding of the KV cache size: llama.cpp pads n_ctx (and the SWA cache) to 256 cells.</summary>
    public const int CellPadding = 256;

    /// <summary>Context used when neither the settings nor the model give one.</summary>
    public const int FallbackContext = 4096;

    /// <summary>Resolves <paramref name="settings"/> for <paramref name="model"/> the way llama.cpp does.</summary>
    public static ContextShape Resolve(EstimationModel model, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var requested = settings.ContextLength
            ?? (model.TrainingContextLength is > 0 and <= int.MaxValue ? (int)model.TrainingContextLength : FallbackContext);

        // llama_context: n_batch = min(n_ctx, n_batch) for causal models; n_ubatch = min(n_batch, n_ubatch).
        // Measured with LLamaSharp 0.30: n_ctx 300 gives n_ubatch 300 and 512 KV cells.
        var batch = Math.Min(requested, settings.BatchSize);
        var microBatch = Math.Min(batch, settings.MicroBatchSize);
        var cells = Pad(requested);

        // llama_kv_cache_iswa: size_swa = pad(min(size_base, n_swa * n_seq + n_ubatch), 256), or size_base with swa_full.
        // (With a non-unified cache each sequence gets window + n_ubatch; the total is about the same.)
        var swaCells = cells;
        if (model.SlidingWindow > 0 && model.SlidingWindowLayers is not null && !settings.FullSlidingWindowCache)
        {
            var wanted = Math.Min(cells, (long)model.SlidingWindow * settings.ParallelSequences + microBatch);
            swaCells = Math.Min(cells, Pad((int)wanted));
        }

        return new ContextShape(requested, cells, swaCells, microBatch, settings.ParallelSequences);
    }

    /// <summary>KV cells a layer holds: the window cache for sliding-window layers, the full cache otherwise.</summary>
    public int CellsFor(EstimationModel model, int layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.IsSlidingWindowLayer(layer) ? SlidingWindowCells : ContextCells;
    }

    /// <summary>
    /// KV cells one sequence's attention reads in a layer: llama.cpp keeps one KV stream per sequence (its default,
    /// non-unified cache), so each sequence attends over its own share, and the masks and scores of the compute graph
    /// are sized by that share, not by the whole cache.
    /// </summary>
    public int StreamCellsFor(EstimationModel model, int layer) => CellsFor(model, layer) / Math.Max(1, Sequences);

    /// <summary>Full-attention cells per sequence.</summary>
    public int StreamContextCells => ContextCells / Math.Max(1, Sequences);

    /// <summary>Sliding-window cells per sequence.</summary>
    public int StreamSlidingWindowCells => SlidingWindowCells / Math.Max(1, Sequences);

    private static int Pad(int cells) => checked((cells + CellPadding - 1) / CellPadding * CellPadding);
}
