using Workbench.Core.Estimation;
using Workbench.Web.Estimation;

namespace Workbench.Web.Chat;

/// <summary>The line beside the chat's load controls: how the chosen settings would fit, or why llama.cpp would refuse them.</summary>
/// <param name="Kind">The fit; null when there is no estimate (a refusal, no worker, a model that cannot be estimated).</param>
/// <param name="Text">What the page says.</param>
/// <param name="Refused">Whether llama.cpp would refuse the load.</param>
public sealed record LoadControlsVerdict(FitKind? Kind, string Text, bool Refused)
{
    /// <summary>The verdict for <paramref name="preview"/>.</summary>
    public static LoadControlsVerdict For(LoadPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        if (preview.Problem is { } problem)
        {
            return new LoadControlsVerdict(null, problem, true);
        }

        if (preview.Worker is null)
        {
            return new LoadControlsVerdict(null, "No worker is connected yet, so nothing can be judged.", false);
        }

        var host = preview.Worker.Registration.HostName;
        if (preview.Estimate is not { } estimate)
        {
            return new LoadControlsVerdict(null, $"On {host}: this model's memory cannot be estimated.", false);
        }

        var kv = ByteSize.Format(estimate.KvCacheBytes);
        var where = estimate.Verdict.Kind switch
        {
            FitKind.FitsFully => $"fits the GPU: {ByteSize.Format(estimate.TotalGpuBytes)} of VRAM, KV cache {kv}",
            FitKind.PartialOffload => $"{estimate.GpuLayers}/{estimate.TotalLayers} layers on the GPU: {ByteSize.Format(estimate.TotalGpuBytes)} of VRAM and {ByteSize.Format(estimate.TotalRamBytes)} of RAM, KV cache {kv}",
            FitKind.CpuOnly => $"runs on the CPU: {ByteSize.Format(estimate.TotalRamBytes)} of RAM, KV cache {kv}",
            _ => $"does not fit: {estimate.Verdict.Message}",
        };
        return new LoadControlsVerdict(estimate.Verdict.Kind, $"On {host}: {where}.", false);
    }
}
