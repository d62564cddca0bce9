using Workbench.Web.Chat;

namespace Workbench.Web.Tests.Chat;

public sealed class LoadedWindowNoteTests
{
    [Fact]
    public void A_larger_loaded_window_is_said_with_why_it_stays_and_how_to_get_the_chosen_one() =>
        Assert.Equal(
            "alpha.gguf is already loaded with a window of 8k tokens, larger than the 2k chosen here. This chat uses it as it is: "
            + "reloading smaller would cut the window of every other chat or API client on this model. Unload the model on the Overview to have it loaded with 2k.",
            LoadedWindowNote.For("alpha.gguf", 8192, 2048));

    [Theory]
    [InlineData(2048, 2048)]
    [InlineData(2048, 8192)] // smaller: chat reloads it with the chosen window
    public void The_chosen_window_or_a_smaller_one_needs_no_note(int loaded, int chosen) =>
        Assert.Null(LoadedWindowNote.For("alpha.gguf", loaded, chosen));
}
