namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// Tests that judge time or memory run with no other test beside them: on a two-core machine the real workers of
/// parallel tests starve theirs (CI once took 213 ms to cancel, against a 200 ms budget, beside them).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneTestGroup
{
    public const string Name = "Alone";
}
