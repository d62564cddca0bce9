using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class PlacementPlannerTests
{
    private const long GB = 1_000_000_000;

    [Fact]
    public void A_worker_that_already_holds_the_model_wins_over_a_better_fit()
    {
        var choice = PlacementPlanner.Choose([
            new PlacementCandidate("a", "desk-3090", false, FitKind.FitsFully, 12 * GB),
            new PlacementCandidate("b", "old-pc", true, FitKind.PartialOffload, 1 * GB)]);

        Assert.Equal("b", choice!.Worker.WorkerId);
        Assert.Equal("on old-pc: already loaded there", choice.Reason);
    }

    [Fact]
    public void Full_offload_beats_partial_beats_cpu_and_then_the_most_headroom_wins()
    {
        var choice = PlacementPlanner.Choose([
            new PlacementCandidate("cpu", "laptop", false, FitKind.CpuOnly, 50 * GB),
            new PlacementCandidate("partial", "old-pc", false, FitKind.PartialOffload, 20 * GB),
            new PlacementCandidate("full-small", "gaming", false, FitKind.FitsFully, 2 * GB),
            new PlacementCandidate("full-big", "desk-3090", false, FitKind.FitsFully, 6_100_000_000)]);

        Assert.Equal("full-big", choice!.Worker.WorkerId);
        Assert.Equal("on desk-3090: fits fully, 5.7 GiB left", choice.Reason);
    }

    [Fact]
    public void No_candidates_no_choice() => Assert.Null(PlacementPlanner.Choose([]));
}
