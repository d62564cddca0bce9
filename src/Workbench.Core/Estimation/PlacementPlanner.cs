
namespace Workbench.Core.Estimation;

/// <summary>One worker as a place for a model.</summary>
/// <param name="WorkerId">The worker's address (connection id).</param>
/// <param name="Name">How people know it ("desk-3090").</param>
/// <param name="HoldsModel">Whether the model is resident there already.</param>
/// <param name="Verdict">How the model would run there (the estimator's verdict for that worker's GPUs and RAM).</param>
/// <param name="HeadroomBytes">Its memory budget left after its resident models and this one (negative: over).</param>
public sealed record PlacementCandidate(string WorkerId, string Name, bool HoldsModel, FitKind Verdict, long HeadroomBytes);

/// <summary>Where a model goes, and why in words.</summary>
public sealed record PlacementChoice(PlacementCandidate Worker, string Reason);

/// <summary>
/// Picks the worker for a model: one that already holds it; else full GPU offload before partial, partial before CPU,
/// then the most memory left over (so resident models elsewhere stay where they are).
/// </summary>
public static class PlacementPlanner
{
    /// <summary>The best candidate, or null when there is none.</summary>
    public static PlacementChoice? Choose(IReadOnlyList<PlacementCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var best = candidates
            .OrderByDescending(c => c.HoldsModel)
            .ThenBy(c => Rank(c.Verdict))
            .ThenByDescending(c => c.HeadroomBytes)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best is null ? null : new PlacementChoice(best, Reason(best));
    }

    private static int Rank(FitKind verdict) => verdict switch
    {
        FitKind.FitsFully => 0,
        FitKind.PartialOffload => 1,
        FitKind.CpuOnly => 2,
        _ => 3,
    };

    private static string Reason(PlacementCandidate worker)
    {
        if (worker.HoldsModel)
        {
            return $"on {worker.Name}: already loaded there";
        }

        var how = worker.Verdict switch
        {
            FitKind.FitsFully => "fits fully",
            FitKind.PartialOffload => "partly on the GPU",
            FitKind.CpuOnly => "on the CPU",
            _ => "does not fit anywhere; trying the roomiest",
        };
        var left = worker.HeadroomBytes >= 0
            ? $"{ByteSize.Format(worker.HeadroomBytes)} left"
            : $"{ByteSize.Format(-worker.HeadroomBytes)} over, idle models make room";
        return $"on {worker.Name}: {how}, {left}";
    }
}
