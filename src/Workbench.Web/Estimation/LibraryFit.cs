using System.Collections.Concurrent;
using Workbench.Core.Estimation;
using Workbench.Core.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// "Will it fit?" for every library model on the chat worker's first GPU, at a typical context
/// (<see cref="DefaultContext"/> or the model's own maximum when smaller), corrected by the model's last measured load.
/// Answers are cached per model, budget and correction.
/// </summary>
public sealed class LibraryFit(WorkerRegistry workers, EstimationModelSource source, LoadMeasurements measurements)
{
    /// <summary>The context the badge assumes: the one chat loads with unless the user picks another.</summary>
    public const int DefaultContext = LoadPlanner.DefaultContext;

    private readonly ConcurrentDictionary<(string Id, string? Fingerprint, long Vram, long? Ram, MeasuredCorrection? Correction, int Context), FitVerdict?> _cache = new();

    /// <summary>The detected budget of the chat worker, or null before it has reported its hardware.</summary>
    public DetectedBudget? Budget() =>
        workers.PickWorker() is { Hardware: { } hardware } worker ? DetectedBudget.From(hardware, worker.Registration.ProcessId) : null;

    /// <summary>
    /// The verdict for a model on GPU0 (CPU only when there is none) at <paramref name="context"/> tokens (default
    /// <see cref="DefaultContext"/>, capped at the model's maximum), or null when it cannot be estimated.
    /// </summary>
    public FitVerdict? For(ModelDescriptor model, DetectedBudget? budget, int? context = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (budget is null)
        {
            return null;
        }

        var gpu = budget.Gpus.Count > 0 ? budget.Gpus[0] : null;
        var correction = measurements.CorrectionFor(model);
        var tokens = LoadPlanner.ContextFor(model, context);
        return _cache.GetOrAdd((model.Id, model.Fingerprint, gpu?.FreeBytes ?? 0, budget.AvailableRamBytes, correction, tokens), _ =>
        {
            if (source.For(model).Model is not { } estimation)
            {
                return null;
            }

            var settings = RunSettings.Default with { ContextLength = tokens, Correction = correction };
            return MemoryEstimator.Estimate(estimation, settings, gpu is null ? [] : [gpu], budget.AvailableRamBytes).Verdict;
        });
    }
}
