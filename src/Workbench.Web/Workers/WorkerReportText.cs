using System.Globalization;
using System.Text;

namespace Workbench.Web.Workers;

/// <summary>
/// Text a worker reports (host name, GPU and CPU names, versions), made safe to show: control characters and the
/// bidirectional overrides that can flip a name on screen are stripped, and the length is capped.
/// </summary>
public static class WorkerReportText
{
    /// <summary>Longest host name kept.</summary>
    public const int HostNameLength = 64;

    /// <summary>Longest label (GPU or CPU name, backend, version) kept.</summary>
    public const int LabelLength = 128;

    /// <summary>Longest path kept.</summary>
    public const int PathLength = 4096;

    /// <summary>The text without control or direction-changing characters, at most <paramref name="maxLength"/> long.</summary>
    public static string Safe(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var kept = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var rune in text.EnumerateRunes())
        {
            if (kept.Length + rune.Utf16SequenceLength > maxLength)
            {
                break;
            }

            if (!IsHidden(rune))
            {
                kept.Append(rune.ToString());
            }
        }

        return kept.ToString().Trim();
    }

    /// <summary>Like <see cref="Safe"/>, keeping null as null.</summary>
    public static string? SafeOrNull(string? text, int maxLength) => text is null ? null : Safe(text, maxLength);

    /// <summary>A host name to show and key telemetry by; never empty.</summary>
    public static string HostName(string? name) => Safe(name, HostNameLength) is { Length: > 0 } clean ? clean : "unnamed worker";

    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse;
}
