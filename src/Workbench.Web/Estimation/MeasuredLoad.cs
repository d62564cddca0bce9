using Workbench.Core.Estimation;

namespace Workbench.Web.Estimation;

/// <summary>A model's load with the settings it was made with, its formula-only estimate and what llama.cpp allocated.</summary>
/// <param name="ModelId">Library id.</param>
/// <param name="Fingerprint">The model file's fingerprint at the time; a changed file drops the measurement.</param>
/// <param name="MeasuredAt">When the worker reported the load.</param>
/// <param name="ContextSize">n_ctx of the load.</param>
/// <param name="MicroBatchSize">n_ubatch of the load.</param>
/// <param name="FlashAttention">Whether flash attention was on.</param>
/// <param name="Estimated">The estimate from the formulas alone (never corrected, so corrections never compound).</param>
/// <param name="Measured">llama.cpp's buffers.</param>
public sealed record MeasuredLoad(
    string ModelId, string? Fingerprint, DateTimeOffset MeasuredAt, int ContextSize, int MicroBatchSize, bool FlashAttention, LoadParts Estimated, LoadParts Measured)
{
    /// <summary>Estimate beside measurement, part by part, then the total.</summary>
    public IReadOnlyList<LoadComparisonRow> Rows =>
    [
        new("weights", Estimated.Weights, Measured.Weights),
        new("KV cache", Estimated.KvCache, Measured.KvCache),
        new("compute", Estimated.Compute, Measured.Compute),
        new("total", Estimated.Total, Measured.Total),
    ];

    /// <summary>The factors later estimates of this model apply; null when a part was not measured.</summary>
    public MeasuredCorrection? Correction => MeasuredCorrection.FromLoad(
        Estimated.Weights, Measured.Weights, Estimated.KvCache, Measured.KvCache, Estimated.Compute, Measured.Compute);
}
