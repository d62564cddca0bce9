using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class ResidencyPlannerTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);

    private static ResidentFootprint Model(string name, long mib, int minutesAgo, bool inUse = false) =>
        new($"/models/{name}.gguf", mib * MiB, inUse, T0.AddMinutes(-minutesAgo));

    [Fact]
    public void A_model_that_fits_beside_the_resident_ones_evicts_nothing()
    {
        var plan = ResidencyPlanner.Plan([Model("a", 4000, 5), Model("b", 4000, 1)], 8000 * MiB, 24_000 * MiB, null);

        Assert.True(plan.CanLoadNow);
        Assert.Empty(plan.Evict);
    }

    [Fact]
    public void When_it_does_not_fit_the_least_recently_used_idle_models_go_first_and_only_as_many_as_needed()
    {
        var plan = ResidencyPlanner.Plan([Model("recent", 8000, 1), Model("oldest", 8000, 30), Model("older", 8000, 10)], 12_000 * MiB, 24_000 * MiB, null);

        Assert.True(plan.CanLoadNow);
        Assert.Equal(["/models/oldest.gguf", "/models/older.gguf"], plan.Evict);
        Assert.Contains("oldest.gguf", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_answering_is_never_evicted_and_the_load_waits_instead()
    {
        var plan = ResidencyPlanner.Plan([Model("busy", 20_000, 60, inUse: true), Model("idle", 2000, 1)], 8000 * MiB, 24_000 * MiB, null);

        Assert.False(plan.CanLoadNow);
        Assert.Equal(["/models/idle.gguf"], plan.Evict);
        Assert.Contains("busy.gguf", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_count_limit_evicts_even_when_memory_would_allow()
    {
        var plan = ResidencyPlanner.Plan([Model("a", 100, 5), Model("b", 100, 1)], 100 * MiB, null, maxModels: 2);

        Assert.True(plan.CanLoadNow);
        Assert.Equal(["/models/a.gguf"], plan.Evict);
    }

    [Fact]
    public void A_model_larger_than_the_whole_budget_still_gets_its_chance_once_the_others_are_gone()
    {
        var plan = ResidencyPlanner.Plan([Model("a", 1000, 5)], 30_000 * MiB, 24_000 * MiB, null);

        Assert.True(plan.CanLoadNow);
        Assert.Equal(["/models/a.gguf"], plan.Evict);
    }

    [Fact]
    public void Without_a_budget_or_a_limit_everything_stays()
    {
        var plan = ResidencyPlanner.Plan([Model("a", 90_000, 5), Model("b", 90_000, 1)], 90_000 * MiB, null, null);

        Assert.True(plan.CanLoadNow);
        Assert.Empty(plan.Evict);
    }
}
