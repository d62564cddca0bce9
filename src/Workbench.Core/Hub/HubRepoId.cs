using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Workbench.Core.Hub;

/// <summary>
/// A Hugging Face model repository id, "owner/name". Checked before it is put into a URL, so a request
/// never leaves for a path the user did not mean (no "..", no query, no extra segments).
/// </summary>
public sealed partial record HubRepoId
{
    private HubRepoId(string owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    /// <summary>The user or organisation.</summary>
    public string Owner { get; }

    /// <summary>The repository's own name.</summary>
    public string Name { get; }

    /// <summary>"owner/name".</summary>
    public override string ToString() => $"{Owner}/{Name}";

    /// <summary>Parses "owner/name"; null with a reason when it is not a repository id.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out HubRepoId? id, [NotNullWhen(false)] out string? problem)
    {
        id = null;
        var parts = (text ?? string.Empty).Trim().Split('/');
        if (parts.Length != 2 || !Segment().IsMatch(parts[0]) || !Segment().IsMatch(parts[1]) || parts.Any(p => p.Contains("..", StringComparison.Ordinal)))
        {
            problem = $"'{text}' is not a repository id; use owner/name, e.g. TheBloke/Llama-2-7B-GGUF (letters, digits, '-', '_', '.').";
            return false;
        }

        id = new HubRepoId(parts[0], parts[1]);
        problem = null;
        return true;
    }

    /// <summary>Parses "owner/name" or throws <see cref="ArgumentException"/>.</summary>
    public static HubRepoId Parse(string text) =>
        TryParse(text, out var id, out var problem) ? id : throw new ArgumentException(problem, nameof(text));

    /// <summary>A revision (branch, tag or commit) safe to send: no control characters, no "..", at most 200 characters.</summary>
    public static bool IsValidRevision(string? revision) =>
        revision is { Length: > 0 and <= 200 }
        && !revision.Contains("..", StringComparison.Ordinal)
        && revision.All(c => c > ' ' && c != '\\' && c != '?' && c != '#' && c != '%' && c < 0x7F);

    /// <summary>A file path inside a repository: relative, forward slashes, no empty, "." or ".." segments.</summary>
    public static bool IsValidFilePath(string? path) =>
        path is { Length: > 0 and <= 1000 }
        && !path.StartsWith('/')
        && path.Split('/').All(s => s.Length > 0 && s != "." && s != ".." && s.All(c => c >= ' ' && c != '\\' && c != 0x7F));

    /// <summary>A path escaped segment by segment, for a URL.</summary>
    public static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();
}
