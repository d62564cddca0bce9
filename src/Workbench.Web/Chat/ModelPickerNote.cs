using Workbench.Core.Estimation;
using Workbench.Web.Workers;

namespace Workbench.Web.Chat;

/// <summary>
/// The short note beside each model in the chat's picker: whether it is loaded and has a free slot (answers start at
/// once), else how it would fit at the chosen context, so the choice is made knowing what it will cost.
/// </summary>
public static class ModelPickerNote
{
    /// <summary>The note for a model held by <paramref name="holders"/> (empty: not loaded) with the estimator's <paramref name="fit"/>.</summary>
    public static string? For(IReadOnlyList<ConnectedWorker> holders, string modelPath, FitKind? fit)
    {
        ArgumentNullException.ThrowIfNull(holders);
        var resident = holders.Select(w => w.FindResident(modelPath)).OfType<ResidentModel>().ToList();
        if (resident.Count > 0)
        {
            var slots = resident.Sum(m => m.Slots);
            var busy = resident.Sum(m => m.Generating);
            return busy < slots ? "ready now" : $"loaded, all {slots} slots answering";
        }

        return fit switch
        {
            FitKind.FitsFully => "fits the GPU",
            FitKind.PartialOffload => "partly on the GPU",
            FitKind.CpuOnly => "runs on the CPU",
            FitKind.DoesNotFit => "too big here",
            _ => null,
        };
    }
}
