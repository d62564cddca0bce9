using Workbench.Core.Hub;
using Workbench.Web.Hub;

namespace Workbench.Web.Tests.Hub;

public sealed class HubBranchesTests
{
    private static string Commit(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    private static HubRefs Refs(params (string Name, string? Commit)[] branches) =>
        new() { Branches = [.. branches.Select(b => new HubRef { Name = b.Name, Ref = $"refs/heads/{b.Name}", TargetCommit = b.Commit })] };

    [Fact]
    public void The_branch_asked_for_and_branches_at_its_commit_are_not_read_again()
    {
        var refs = Refs(("main", Commit(1)), ("4.0bpw", Commit(2)), ("mirror", Commit(1)), ("6.0bpw", Commit(3)), ("copy-of-6", Commit(3)));

        var others = HubBranches.OthersToRead(refs, "main", Commit(1), 10);

        Assert.Equal([("4.0bpw", Commit(2)), ("6.0bpw", Commit(3))], others);
    }

    [Fact]
    public void At_most_the_bound_is_read_in_the_hubs_order()
    {
        var refs = Refs([.. Enumerable.Range(1, 30).Select(i => ($"b{i}", (string?)Commit(i)))]);

        var others = HubBranches.OthersToRead(refs, "b1", Commit(1), HubRepositoryReader.MaxBranches - 1);

        Assert.Equal(HubRepositoryReader.MaxBranches - 1, others.Count);
        Assert.Equal("b2", others[0].Name);
    }

    [Fact]
    public void A_branch_without_a_valid_commit_is_left_out()
    {
        var refs = Refs(("main", Commit(1)), ("odd", null), ("bad", "../etc"), ("4.0bpw", Commit(2)));

        Assert.Equal(["4.0bpw"], HubBranches.OthersToRead(refs, "main", Commit(1), 10).Select(b => b.Name));
    }
}
