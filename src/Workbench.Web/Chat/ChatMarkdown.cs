using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Workbench.Web.Chat;

/// <summary>
/// Renders chat text (the user's and the model's) as Markdown that cannot inject anything: raw HTML is
/// shown as text, and links or images may only point to http(s), mailto or within the page.
/// Code blocks come with a language label, a copy button (wired up by <c>wwwroot/chat.js</c>) and
/// <see cref="CodeHighlighter"/>'s colours; tables are wrapped so a wide one scrolls inside the message, not the page.
/// </summary>
public static partial class ChatMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    /// <summary>Safe HTML for <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafeUrl(link.Url))
            {
                link.Url = "#";
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeUrl(link.Url))
            {
                link.Url = "#";
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<CodeBlockRenderer>(new ChatCodeBlockRenderer());
        renderer.Render(document);
        writer.Flush();
        return writer.ToString().Replace("<table>", "<div class=\"table-wrap\"><table>", StringComparison.Ordinal)
            .Replace("</table>", "</table></div>", StringComparison.Ordinal);
    }

    /// <summary>A fence's language name as it may appear in a class and a label: letters, digits, + # - . only, at most 20.</summary>
    internal static string? LanguageOf(string? info) =>
        info?.Trim() is { Length: > 0 and <= 20 } name && SafeLanguage().IsMatch(name) ? name : null;

    [GeneratedRegex("^[A-Za-z0-9+#.-]+$")]
    private static partial Regex SafeLanguage();

    private sealed class ChatCodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock obj)
        {
            var language = LanguageOf((obj as FencedCodeBlock)?.Info);
            renderer.EnsureLine();
            renderer.Write("<div class=\"code-block\"><div class=\"code-bar\"><span class=\"code-lang\">")
                .Write(language ?? "code")
                .Write("</span><button type=\"button\" class=\"code-copy\" data-testid=\"code-copy\" aria-label=\"Copy code\">Copy</button></div><pre><code")
                .Write(language is null ? string.Empty : $" class=\"language-{language}\"")
                .Write(">")
                .Write(CodeHighlighter.ToHtml(obj.Lines.ToString(), language))
                .WriteLine("</code></pre></div>");
        }
    }

    /// <summary>http, https, mailto, or a relative/fragment URL; anything else (javascript:, data:, file:) is refused.</summary>
    internal static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }

        var trimmed = url.Trim();
        if (trimmed.StartsWith('#') || trimmed.StartsWith('/'))
        {
            return !trimmed.StartsWith("//", StringComparison.Ordinal);
        }

        return Uri.TryCreate(trimmed, UriKind.Absolute, out var absolute)
            ? absolute.Scheme is "http" or "https" or "mailto"
            : !trimmed.Contains(':', StringComparison.Ordinal);
    }
}
