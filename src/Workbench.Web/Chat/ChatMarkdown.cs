using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Workbench.Web.Chat;

/// <summary>
/// Renders chat text (the user's and the model's) as Markdown that cannot inject anything: raw HTML is
/// shown as text, and links or images may only point to http(s), mailto or within the page.
/// </summary>
public static class ChatMarkdown
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

        return document.ToHtml(Pipeline);
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
