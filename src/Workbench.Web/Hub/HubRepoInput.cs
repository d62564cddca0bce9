using System.Diagnostics.CodeAnalysis;
using Workbench.Core.Hub;

namespace Workbench.Web.Hub;

/// <summary>
/// What a user types or pastes to name a repository: "owner/name", or its page on the hub
/// ("https://huggingface.co/owner/name", "hf.co/owner/name/tree/branch", a file's blob link …).
/// </summary>
/// <param name="Repo">The repository.</param>
/// <param name="Revision">The branch, tag or commit a /tree/ or /blob/ link named; null for the default branch.</param>
public sealed record HubRepoInput(HubRepoId Repo, string? Revision)
{
    private static readonly string[] HubHosts = ["huggingface.co", "www.huggingface.co", "hf.co"];

    /// <summary>Parses <paramref name="text"/>; false with a reason the user can act on when it names no repository.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out HubRepoInput? input, [NotNullWhen(false)] out string? problem)
    {
        input = null;
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            problem = "Type a repository id (owner/name) or paste its hub address.";
            return false;
        }

        var path = trimmed;
        // A link pasted without its scheme ("hf.co/owner/name") is a link too; "owner/name" reads as host "owner", which is no hub.
        var withScheme = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "https://" + trimmed;
        if (Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && HubHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            path = uri.AbsolutePath.Trim('/');
        }
        else if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            problem = $"'{trimmed}' is not a Hugging Face address; paste a huggingface.co link or type owner/name.";
            return false;
        }

        var segments = path.Split('/');
        // Only the repository and, from /tree/<rev> or /blob/<rev>/file, the revision; the rest of a link is not needed.
        string? revision = segments.Length >= 4 && segments[2] is "tree" or "blob" or "resolve" ? Uri.UnescapeDataString(segments[3]) : null;
        var id = segments.Length >= 2 ? $"{segments[0]}/{segments[1]}" : path;
        if (!HubRepoId.TryParse(id, out var repo, out problem))
        {
            return false;
        }

        if (revision is not null && !HubRepoId.IsValidRevision(revision))
        {
            problem = $"'{revision}' is not a revision the hub can be asked for.";
            return false;
        }

        if (segments.Length > 2 && revision is null)
        {
            problem = $"'{trimmed}' has more than owner/name; paste the repository's page or a /tree/ link.";
            return false;
        }

        input = new HubRepoInput(repo, revision);
        return true;
    }
}
