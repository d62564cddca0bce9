using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Core.Tests.Conversations;

public sealed class SamplingLimitsTests
{
    [Fact]
    public void Settings_inside_the_bounds_are_kept_as_they_are()
    {
        var settings = new SamplingSettings { Temperature = 0.2f, TopP = 0.9f, TopK = 0, MinP = 0f, RepeatPenalty = 1f, MaxTokens = 4096, Seed = 7 };

        Assert.Equal(settings, SamplingLimits.Clamp(settings));
    }

    [Fact]
    public void Settings_outside_the_bounds_are_brought_to_the_nearest_bound()
    {
        var clamped = SamplingLimits.Clamp(new SamplingSettings
        {
            Temperature = 9f,
            TopP = -1f,
            TopK = 100_000,
            MinP = float.NaN,
            RepeatPenalty = 0.5f,
            MaxTokens = 0,
            Seed = uint.MaxValue,
        });

        Assert.Equal(
            new SamplingSettings { Temperature = 2f, TopP = 0f, TopK = 500, MinP = 0f, RepeatPenalty = 1f, MaxTokens = 1, Seed = uint.MaxValue },
            clamped);
    }
}
