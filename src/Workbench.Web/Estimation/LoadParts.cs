namespace Workbench.Web.Estimation;

/// <summary>Bytes per part of a load, as the estimator predicts them or as llama.cpp reports them.</summary>
/// <param name="Weights">Model buffers.</param>
/// <param name="KvCache">KV-cache buffers.</param>
/// <param name="Compute">Compute buffers plus the logits (output) buffer.</param>
public sealed record LoadParts(long Weights, long KvCache, long Compute)
{
    /// <summary>All parts together.</summary>
    public long Total => Weights + KvCache + Compute;
}
