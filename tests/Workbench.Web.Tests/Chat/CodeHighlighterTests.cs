using Workbench.Web.Chat;

namespace Workbench.Web.Tests.Chat;

public sealed class CodeHighlighterTests
{
    [Fact]
    public void Keywords_strings_numbers_and_comments_get_their_classes()
    {
        var html = CodeHighlighter.ToHtml("var x = \"a\"; // note\nreturn 42;", "csharp");

        Assert.Equal(
            "<span class=\"tok-k\">var</span> x = <span class=\"tok-s\">&quot;a&quot;</span>; <span class=\"tok-c\">// note</span>\n<span class=\"tok-k\">return</span> <span class=\"tok-n\">42</span>;",
            html);
    }

    [Fact]
    public void Markup_in_code_is_encoded_not_interpreted()
    {
        var html = CodeHighlighter.ToHtml("<script>alert('x')</script>", "html");

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hash_is_a_comment_in_python_but_not_in_csharp()
    {
        Assert.Contains("tok-c", CodeHighlighter.ToHtml("# note", "python"), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-c", CodeHighlighter.ToHtml("#region x", "csharp"), StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_blocks_are_only_encoded()
    {
        Assert.Equal("if &amp; 1", CodeHighlighter.ToHtml("if & 1", "text"));
    }
}
