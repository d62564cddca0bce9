using Workbench.Web.Chat;

namespace Workbench.Web.Tests.Chat;

public sealed class ChatMarkdownTests
{
    [Fact]
    public void Markdown_becomes_html()
    {
        var html = ChatMarkdown.ToHtml("**bold** and `code`");

        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<iframe src=\"https://example.com\"></iframe>")]
    public void Raw_html_is_shown_as_text(string markdown)
    {
        var html = ChatMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JAVASCRIPT:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("[click](vbscript:msgbox)")]
    public void Links_to_script_urls_are_neutralised(string markdown)
    {
        var html = ChatMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("script:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"#\"", html.Replace("src=\"#\"", "href=\"#\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[docs](https://example.com/a)", "https://example.com/a")]
    [InlineData("[mail](mailto:me@example.com)", "mailto:me@example.com")]
    [InlineData("[top](#top)", "#top")]
    public void Ordinary_links_are_kept(string markdown, string href)
    {
        Assert.Contains($"href=\"{href}\"", ChatMarkdown.ToHtml(markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol_relative_urls_are_refused()
    {
        Assert.False(ChatMarkdown.IsSafeUrl("//evil.example/x"));
    }

    [Fact]
    public void A_table_is_wrapped_so_it_scrolls_inside_the_message()
    {
        var html = ChatMarkdown.ToHtml("| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.StartsWith("<div class=\"table-wrap\"><table>", html.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fence_language_that_is_not_a_plain_name_is_dropped()
    {
        var html = ChatMarkdown.ToHtml("```x\"onclick=\"alert(1)\nbody\n```");

        Assert.DoesNotContain("onclick", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"code-lang\">code</span>", html, StringComparison.Ordinal);
    }
}
