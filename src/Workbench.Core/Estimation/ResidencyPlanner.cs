namespace Workbench.Core.Estimation;

/// <summary>A model a worker holds, as the residency planner sees it.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Bytes">Memory it takes from the budget (measured when it loaded).</param>
/// <param name="InUse">Whether a request holds it: such a model is never unloaded.</param>
/// <param name="LastUsed">When it was last used; the least recently used idle model goes first.</param>
public sealed record ResidentFootprint(string Path, long Bytes, bool InUse, DateTimeOffset LastUsed);

/// <summary>What loading one more model takes.</summary>
/// <param name="Evict">Idle models to unload first, least recently used first.</param>
/// <param name="CanLoadNow">False while the models it would have to replace are answering.</param>
/// <param name="Reason">Why, in words for the user.</param>
public sealed record ResidencyPlan(IReadOnlyList<string> Evict, bool CanLoadNow, string Reason);

/// <summary>
/// Decides which resident models make room for another: it loads beside them when the budget and the model count
/// allow, otherwise the least recently used idle models are unloaded first. A model that is answering is never chosen.
/// </summary>
public static class ResidencyPlanner
{
    /// <summary>Plans the load of a model taking <paramref name="incomingBytes"/>.</summary>
    /// <param name="resident">The worker's resident models (the one being reloaded, if any, left out).</param>
    /// <param name="incomingBytes">The estimate for the model to load.</param>
    /// <param name="budgetBytes">Memory the resident models may take together; null: no limit.</param>
    /// <param name="maxModels">Most models resident at once; null: as many as fit.</param>
    public static ResidencyPlan Plan(IReadOnlyList<ResidentFootprint> resident, long incomingBytes, long? budgetBytes, int? maxModels)
    {
        ArgumentNullException.ThrowIfNull(resident);
        var used = resident.Sum(m => m.Bytes);
        var count = resident.Count;
        var evict = new List<string>();
        foreach (var idle in resident.Where(m => !m.InUse).OrderBy(m => m.LastUsed))
        {
            if (!TooMuch(used, count))
            {
                break;
            }

            evict.Add(idle.Path);
            used -= idle.Bytes;
            count--;
        }

        if (!TooMuch(used, count))
        {
            return new ResidencyPlan(evict, true, evict.Count == 0
                ? "fits beside the resident models"
                : $"unloads {string.Join(", ", evict.Select(System.IO.Path.GetFileName))} (least recently used) to make room");
        }

        // Only models that are answering are left: loading must wait until one of them is idle.
        var busy = resident.Where(m => m.InUse).Select(m => System.IO.Path.GetFileName(m.Path));
        return new ResidencyPlan(evict, false, $"waits for {string.Join(", ", busy)} to finish answering: both do not fit at once");

        bool TooMuch(long bytes, int models) =>
            (maxModels is { } max && models + 1 > max)
            // A model alone over the budget still gets its chance: the load itself says whether it fits.
            || (budgetBytes is { } budget && models > 0 && bytes + incomingBytes > budget);
    }
}
