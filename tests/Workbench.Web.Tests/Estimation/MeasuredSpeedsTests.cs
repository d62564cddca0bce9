using Workbench.Core.Protocol;
using Workbench.Web.Estimation;

namespace Workbench.Web.Tests.Estimation;

public sealed class MeasuredSpeedsTests
{
    private readonly MeasuredSpeeds _speeds = new();

    [Fact]
    public void The_measured_speed_is_the_median_of_the_answers_per_host_and_model()
    {
        foreach (var tokensPerSecond in new[] { 30.0, 10.0, 20.0, 1000.0 })
        {
            _speeds.Record("box", "/m/a.gguf", Answer(64, tokensPerSecond));
        }

        _speeds.Record("other", "/m/a.gguf", Answer(64, 5));

        Assert.Equal(new MeasuredSpeed(25, 4), _speeds.For("box", "/m/a.gguf"));
        Assert.Equal(new MeasuredSpeed(5, 1), _speeds.For("other", "/m/a.gguf"));
        Assert.Null(_speeds.For("box", "/m/b.gguf"));
    }

    [Fact]
    public void Short_and_failed_answers_do_not_count()
    {
        _speeds.Record("box", "/m/a.gguf", Answer(MeasuredSpeeds.MinimumTokens - 1, 50));
        _speeds.Record("box", "/m/a.gguf", Answer(64, 50) with { Outcome = GenerationOutcome.Failed });

        Assert.Null(_speeds.For("box", "/m/a.gguf"));
    }

    [Fact]
    public void Only_the_latest_answers_are_kept()
    {
        for (var i = 0; i < MeasuredSpeeds.Kept; i++)
        {
            _speeds.Record("box", "/m/a.gguf", Answer(64, 10));
        }

        for (var i = 0; i < MeasuredSpeeds.Kept; i++)
        {
            _speeds.Record("box", "/m/a.gguf", Answer(64, 40));
        }

        Assert.Equal(new MeasuredSpeed(40, MeasuredSpeeds.Kept), _speeds.For("box", "/m/a.gguf"));
    }

    // TokensPerSecond = (generated − 1) / (total − first token) in seconds.
    private static GenerationCompletion Answer(int generated, double tokensPerSecond) =>
        new(GenerationOutcome.Completed, null, 10, generated, 0, (generated - 1) / tokensPerSecond * 1000, 2048);
}
