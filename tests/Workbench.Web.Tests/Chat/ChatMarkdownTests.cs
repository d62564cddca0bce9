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
}
