using Workbench.Core.Conversations;

namespace Workbench.Core.Tests.Conversations;

public sealed class ConversationTitleTests
{
    [Fact]
    public void A_short_first_message_is_the_title_on_one_line()
    {
        Assert.Equal("How do I bake bread?", ConversationTitle.FromFirstMessage("  How do I\n bake\tbread?  "));
    }

    [Fact]
    public void A_long_first_message_is_cut_at_a_word_and_ends_in_an_ellipsis()
    {
        var title = ConversationTitle.FromFirstMessage(
            "Please explain how the key-value cache of a transformer grows with the context length and the number of layers");

        Assert.Equal("Please explain how the key-value cache of a transformer…", title);
        Assert.True(title.Length <= ConversationTitle.FromMessageLength);
    }

    [Fact]
    public void A_long_word_without_spaces_is_cut_hard()
    {
        var title = ConversationTitle.FromFirstMessage(new string('x', 100));

        Assert.Equal(new string('x', 59) + "…", title);
    }

    [Fact]
    public void A_blank_first_message_gives_the_untitled_title()
    {
        Assert.Equal(ConversationTitle.Untitled, ConversationTitle.FromFirstMessage(" \n "));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(null, "empty")]
    public void An_empty_title_is_refused(string? title, string reason)
    {
        Assert.Contains(reason, ConversationTitle.Problem(title), StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_of_200_characters_is_allowed_and_201_is_refused_with_the_count()
    {
        Assert.Null(ConversationTitle.Problem(new string('a', 200)));
        Assert.Equal("A title can be at most 200 characters; this one has 201.", ConversationTitle.Problem(new string('a', 201)));
    }
}
