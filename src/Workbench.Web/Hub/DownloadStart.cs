namespace Workbench.Web.Hub;

/// <summary>The answer to a download request: the download started, or the HTTP status and reason it was refused.</summary>
/// <param name="Started">The queued download.</param>
/// <param name="Status">The HTTP status of a refusal.</param>
/// <param name="Problem">Why it was refused.</param>
public sealed record DownloadStart(DownloadProgress? Started, int Status, string? Problem)
{
    /// <summary>A refusal.</summary>
    public static DownloadStart Refused(int status, string problem) => new(null, status, problem);
}
