namespace Workbench.Web.Library;

/// <summary>Progress of the library scan, shared by every page so it survives navigation.</summary>
/// <param name="IsScanning">Whether a scan runs now.</param>
/// <param name="FilesSeen">Model candidates found so far in this scan.</param>
/// <param name="FilesParsed">Candidates read (parsed or taken unchanged from the index).</param>
/// <param name="FilesChanged">Candidates that were new or changed and had to be parsed.</param>
/// <param name="CurrentPath">What is being read now.</param>
/// <param name="StartedAt">When the scan started.</param>
/// <param name="FinishedAt">When the last scan finished.</param>
/// <param name="Error">Why the last scan stopped early, if it did.</param>
public sealed record LibraryScanStatus(
    bool IsScanning,
    int FilesSeen,
    int FilesParsed,
    int FilesChanged,
    string? CurrentPath,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    /// <summary>No scan has run yet.</summary>
    public static LibraryScanStatus Idle { get; } = new(false, 0, 0, 0, null, null, null, null);

    /// <summary>Share of the candidates read, 0–100; unknown totals count as 0.</summary>
    public double Percent => FilesSeen == 0 ? 0 : 100.0 * FilesParsed / FilesSeen;
}
