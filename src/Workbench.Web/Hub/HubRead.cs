namespace Workbench.Web.Hub;

/// <summary>Where reading a repository for the Compare page stands.</summary>
/// <param name="Repo">"owner/name" as asked for.</param>
/// <param name="Reading">Whether the headers are still being read.</param>
/// <param name="Repository">The repository once read.</param>
/// <param name="Problem">Why it could not be read, in words the user can act on.</param>
public sealed record HubRead(string Repo, bool Reading, HubRepository? Repository, string? Problem);
