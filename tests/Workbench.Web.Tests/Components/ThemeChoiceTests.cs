using Workbench.Web.Components.Layout;

namespace Workbench.Web.Tests.Components;

public sealed class ThemeChoiceTests
{
    [Theory]
    [InlineData("dark", false, true)]
    [InlineData("light", true, false)]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("nonsense", false, false)]
    public void A_stored_choice_wins_over_the_system_preference(string? stored, bool systemDark, bool expectedDark)
    {
        Assert.Equal(expectedDark, ThemeChoice.IsDark(stored, systemDark));
    }

    [Fact]
    public void Without_a_choice_or_a_known_preference_the_theme_is_dark()
    {
        Assert.True(ThemeChoice.IsDark(null, null));
    }

    [Fact]
    public void The_stored_value_round_trips()
    {
        Assert.True(ThemeChoice.IsDark(ThemeChoice.Store(dark: true), false));
        Assert.False(ThemeChoice.IsDark(ThemeChoice.Store(dark: false), true));
    }
}
