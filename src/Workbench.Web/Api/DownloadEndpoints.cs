using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Hub;
using Workbench.Web.Hosting;
using Workbench.Web.Hub;

namespace Workbench.Web.Api;

/// <summary>Downloads from the hub into a model folder, for the owner: <c>/workbench/v1/downloads</c>.</summary>
public static class DownloadEndpoints
{
    /// <summary>What to download: a row of <c>GET /workbench/v1/hub/models/{owner}/{name}</c> (its name), at a revision, into a model folder.</summary>
    public sealed record DownloadRequest(string Repo, string? Revision, string File, string? Target);

    /// <summary>A download and its progress.</summary>
    public sealed record DownloadResponse(
        string Id,
        string Repo,
        string Revision,
        string Commit,
        string Name,
        HubFileSetKind Kind,
        IReadOnlyList<DownloadFile> Files,
        string Target,
        string Destination,
        DownloadState State,
        string? Error,
        long TotalBytes,
        long BytesDone,
        double Percent,
        double BytesPerSecond,
        double? EtaSeconds,
        DateTimeOffset CreatedAt,
        DateTimeOffset? FinishedAt)
    {
        /// <summary>The answer for a download's progress.</summary>
        public static DownloadResponse From(DownloadProgress progress)
        {
            ArgumentNullException.ThrowIfNull(progress);
            var d = progress.Download;
            return new(d.Id, d.Repo, d.Revision, d.Commit, d.Name, d.Kind, d.Files, d.Target, d.Destination, d.State, d.Error,
                d.TotalBytes, progress.BytesDone, Math.Round(progress.Percent, 1), progress.BytesPerSecond, progress.EtaSeconds, d.CreatedAt, d.FinishedAt);
        }
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapDownloadApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/workbench/v1/downloads").WithTags("Downloads").RequireAuthorization(WorkbenchSecurityExtensions.OwnerPolicy);
        api.MapPost("", Start)
            .WithName("StartDownload")
            .WithSummary("Downloads a file, split set or safetensors folder of a hub repository into a model folder.")
            .WithDescription("file is a row name of GET /workbench/v1/hub/models/{owner}/{name}; target a model folder (default: the first). Refused with 507 before anything is written when the disk has too little space. The files are verified against the hub's SHA-256 before they get their names; the library adds the model when done.");
        api.MapGet("", (DownloadService downloads) => downloads.List().Select(DownloadResponse.From).ToList())
            .WithName("ListDownloads")
            .WithSummary("Every download with its progress (bytes, speed, time left), newest first.");
        api.MapDelete("/{id}", Cancel)
            .WithName("CancelDownload")
            .WithSummary("Cancels a download and deletes its temporary files.");
        return endpoints;
    }

    private static async Task<Results<Accepted<DownloadResponse>, ProblemHttpResult>> Start(
        DownloadRequest request, DownloadService downloads, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Repo) || string.IsNullOrWhiteSpace(request.File))
        {
            return TypedResults.Problem("repo and file are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var started = await downloads.StartAsync(caller, request.Repo, request.Revision, request.File, request.Target, cancellationToken);
        return started.Started is { } progress
            ? TypedResults.Accepted($"/workbench/v1/downloads/{progress.Download.Id}", DownloadResponse.From(progress))
            : TypedResults.Problem(started.Problem, statusCode: started.Status);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Cancel(string id, DownloadService downloads, ClaimsPrincipal caller) =>
        await downloads.CancelAsync(caller, id)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"No download with id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
