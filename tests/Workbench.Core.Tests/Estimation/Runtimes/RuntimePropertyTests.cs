using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Tests.Estimation.Runtimes;

/// <summary>Properties every runtime model keeps on every well-known architecture (dense, MoE, sliding windows, tied heads).</summary>
public sealed class RuntimePropertyTests
{
    public static TheoryData<string> Architectures() => [.. ArchitectureCatalog.All.Select(a => a.Id)];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void More_context_never_needs_less_memory_in_any_runtime(string id)
    {
        var model = ArchitectureCatalog.Find(id)!.Shape().ToModel();
        var options = QuantizationCatalog.Describe(model);
        var rows = FitTable.Build(model, options, RunSettings.Default, RuntimeSettings.Default, [GpuBudget.WithGibibytes("80 GB", 80)], FitTable.ContextColumns(131072), everyRuntime: true);

        foreach (var row in rows)
        {
            var totals = row.Cells.Select(c => c.Estimate.TotalGpuBytes + c.Estimate.TotalRamBytes).ToList();
            Assert.True(totals.SequenceEqual(totals.Order()), $"{row.Key}: {string.Join(", ", totals)}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_smaller_exl2_cache_mode_never_needs_more_memory(string id)
    {
        var model = QuantizationCatalog.Exl2(ArchitectureCatalog.Find(id)!.Shape().ToModel(), 4.0).Model;
        var settings = RunSettings.Default with { ContextLength = 16384 };

        var totals = Exl2CacheModes.All
            .Select(mode => ExLlamaV2MemoryModel.Estimate(model, settings, RuntimeSettings.Default with { Exl2Cache = mode }, [GpuBudget.WithGibibytes("80 GB", 80)]).TotalGpuBytes)
            .ToList();

        Assert.Equal(totals.OrderDescending(), totals);
        Assert.Equal(totals.Count, totals.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_larger_vllm_share_never_turns_a_fit_into_a_miss(string id)
    {
        var model = QuantizationCatalog.Awq(ArchitectureCatalog.Find(id)!.Shape().ToModel()).Model;
        var settings = RunSettings.Default with { ContextLength = 8192 };
        var fitted = false;
        foreach (var share in (double[])[0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98])
        {
            var fits = VllmMemoryModel.Estimate(model, settings, RuntimeSettings.Default with { GpuMemoryUtilization = share }, [GpuBudget.WithGibibytes("48 GB", 48)]).Verdict.Kind == FitKind.FitsFully;
            Assert.False(fitted && !fits, $"{id} fits below {share} but not at it");
            fitted |= fits;
        }
    }
}
