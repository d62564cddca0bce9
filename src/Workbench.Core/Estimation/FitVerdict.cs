namespace Workbench.Core.Estimation;

/// <summary>How a model runs on the given hardware.</summary>
public enum FitKind
{
    /// <summary>Every layer, the KV cache and the buffers fit on the GPU(s): full speed.</summary>
    FitsFully,

    /// <summary>Some layers run on the GPU, the rest on the CPU: works, at a fraction of the speed.</summary>
    PartialOffload,

    /// <summary>Nothing runs on a GPU (none given, or nothing fits): works if RAM suffices, slowly.</summary>
    CpuOnly,

    /// <summary>Not enough memory for these settings.</summary>
    DoesNotFit,
}

/// <summary>The outcome of an estimate in words: what happens and, when it is not a full fit, what to change.</summary>
/// <param name="Kind">How the model runs.</param>
/// <param name="Message">One sentence for the user, e.g. "needs 9.1 GiB VRAM, you have 8 GiB: try q8_0 KV cache or 4096 context or Q4_K_M".</param>
/// <param name="Suggestions">The changes that would each make it fit on the GPU (or in RAM), best first, e.g. "q8_0 KV cache".</param>
public sealed record FitVerdict(FitKind Kind, string Message, IReadOnlyList<string> Suggestions)
{
    public override string ToString() => $"{Kind}: {Message}";
}
