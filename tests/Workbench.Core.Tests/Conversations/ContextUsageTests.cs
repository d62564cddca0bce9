using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Core.Tests.Conversations;

public sealed class ContextUsageTests
{
    [Fact]
    public void Usage_comes_from_the_last_completion_that_knows_the_context_size()
    {
        var usage = ContextUsage.FromLast([Completed(100, 50, 2048), Completed(300, 200, 2048), GenerationCompletion.Failure("gone"), null]);

        Assert.Equal(new ContextUsage(500, 2048, false), usage);
    }

    [Fact]
    public void Without_a_context_size_there_is_no_usage()
    {
        Assert.Null(ContextUsage.FromLast([GenerationCompletion.Failure("no worker"), null]));
    }

    [Fact]
    public void Ninety_percent_is_not_yet_a_warning()
    {
        var usage = new ContextUsage(900, 1000, false);

        Assert.False(usage.IsNearlyFull);
        Assert.Null(usage.Warning);
    }

    [Fact]
    public void Above_ninety_percent_warns_with_the_share_and_the_window()
    {
        var usage = new ContextUsage(1900, 2048, false);

        Assert.True(usage.IsNearlyFull);
        Assert.Equal(
            "This conversation uses 93 % of the 2048-token context window; the next answer may be cut off. Start a new conversation to keep going.",
            usage.Warning);
    }

    [Fact]
    public void An_answer_cut_off_by_the_window_says_so()
    {
        var usage = new ContextUsage(2048, 2048, StoppedAtContextEnd: true);

        Assert.StartsWith("The answer stopped because the context window (2048 tokens) is full.", usage.Warning, StringComparison.Ordinal);
    }

    private static GenerationCompletion Completed(int prompt, int generated, int context) =>
        new(GenerationOutcome.Completed, null, prompt, generated, 10, 100, context);
}
