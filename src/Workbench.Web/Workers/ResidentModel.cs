using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>A model a worker holds in memory, as the dashboard tracks it.</summary>
/// <param name="Load">What the load reported (context per sequence, sequences, buffers).</param>
/// <param name="LastUsed">When a request last started or ended on it; least recently used idle models go first.</param>
/// <param name="Holders">Requests holding it (waiting for a slot, answering or embedding): while any do, it is never unloaded.</param>
/// <param name="Generating">Answers being generated right now (slots in use).</param>
/// <param name="KeepAlive">
/// How long it stays loaded unused, as the last request asked (Ollama's <c>keep_alive</c>); negative keeps it forever,
/// null follows <c>Workbench:ModelKeepAlive</c>.
/// </param>
/// <param name="Placement">Why it was put on this worker ("on desk-3090: fits fully, 6.1 GB left"), when the placement chose.</param>
public sealed record ResidentModel(
    ModelLoadResult Load, DateTimeOffset LastUsed, int Holders = 0, int Generating = 0, TimeSpan? KeepAlive = null, string? Placement = null)
{
    /// <summary>The model file on the worker's host.</summary>
    public string Path => Load.ModelPath ?? string.Empty;

    /// <summary>Answers it can generate at once.</summary>
    public int Slots => Math.Max(1, Load.ParallelSequences);

    /// <summary>Requests waiting for a free slot.</summary>
    public int Waiting => Math.Max(0, Holders - Generating);

    /// <summary>Whether a request holds it.</summary>
    public bool InUse => Holders > 0;

    /// <summary>When it will be unloaded if nothing uses it; null when in use or kept forever.</summary>
    public DateTimeOffset? ExpiresAt(TimeSpan defaultKeepAlive)
    {
        var keepAlive = KeepAlive ?? defaultKeepAlive;
        // Workbench:ModelKeepAlive = 0 has always meant "keep loaded"; a request's keep_alive 0 means "unload now".
        var forever = KeepAlive is null ? keepAlive <= TimeSpan.Zero : keepAlive < TimeSpan.Zero;
        return InUse || forever ? null : LastUsed + keepAlive;
    }
}
