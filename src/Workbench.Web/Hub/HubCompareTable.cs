using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Web.Estimation;

namespace Workbench.Web.Hub;

/// <summary>A repository row on the Compare page: the files, and their table rows (one per runtime asked for; none without a model).</summary>
/// <param name="Row">The files and what their headers said.</param>
/// <param name="Fits">Cells per context, as the library's Compare table gives the same files once downloaded.</param>
public sealed record HubCompareRow(HubModelRow Row, IReadOnlyList<FitRow> Fits);

/// <summary>
/// The Compare table of a hub repository: its files are the rows, sized as stored (<see cref="CompareOptions.Stored"/>)
/// at every context column by <see cref="FitTable"/>, so "which of these should I download" and "which of mine fits"
/// are the same cells.
/// </summary>
public static class HubCompareTable
{
    /// <summary>The context columns: the standard ones up to the longest training context among the repository's models.</summary>
    public static IReadOnlyList<int> Contexts(HubRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var longest = repository.Rows.Select(r => r.Model?.TrainingContextLength ?? 0).DefaultIfEmpty(0).Max();
        return FitTable.ContextColumns(longest);
    }

    /// <summary>Every row of <paramref name="repository"/> at the page's settings; rows without a model keep no cells.</summary>
    public static IReadOnlyList<HubCompareRow> Build(
        HubRepository repository,
        RunSettings settings,
        RuntimeSettings runtimeSettings,
        IReadOnlyList<GpuBudget> gpus,
        IReadOnlyList<int> contexts,
        long? availableRamBytes,
        bool everyRuntime)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return [.. repository.Rows.Select(row => row.Model is not { } model
            ? new HubCompareRow(row, [])
            : new HubCompareRow(row, FitTable.Build(
                model, [CompareOptions.Stored(HubFitTable.Descriptor(row), model)], settings, runtimeSettings, gpus, contexts, availableRamBytes, everyRuntime)))];
    }
}
