using Workbench.Core.Hub;

namespace Workbench.Web.Hub;

/// <summary>Which other branches of a repository to read beside the revision asked for.</summary>
public static class HubBranches
{
    /// <summary>
    /// The branches other than <paramref name="asked"/>, in the hub's order, each once per commit (a branch at the commit
    /// already read adds nothing), at most <paramref name="max"/>; a branch without a valid commit is left out.
    /// </summary>
    public static IReadOnlyList<(string Name, string Commit)> OthersToRead(HubRefs refs, string asked, string askedCommit, int max)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var commits = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { askedCommit };
        return [.. refs.Branches
            .Where(b => b.Name != asked && HubRepoId.IsValidRevision(b.Name) && b.TargetCommit is { } c && HubRepoId.IsValidRevision(c) && commits.Add(c))
            .Take(Math.Max(0, max))
            .Select(b => (b.Name, b.TargetCommit!))];
    }
}
