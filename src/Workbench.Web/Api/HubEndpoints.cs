using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Hub;
using Workbench.Core.Library;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;
using Workbench.Web.Security;

namespace Workbench.Web.Api;

/// <summary>
/// Hugging Face repositories before downloading: <c>GET /workbench/v1/hub/models</c> (search) and
/// <c>GET /workbench/v1/hub/models/{owner}/{name}</c> (every file with its estimate).
/// </summary>
public static partial class HubEndpoints
{
    /// <summary>A search result.</summary>
    public sealed record HubSearchResult(string Id, long Downloads, long Likes, IReadOnlyList<string> Tags, DateTimeOffset? LastModified);

    /// <summary>A repository at a revision with a row per model file.</summary>
    public sealed record HubModelResponse(
        string Repo,
        string Revision,
        string Commit,
        bool Gated,
        IReadOnlyList<string> Branches,
        string? TargetFolder,
        long? FreeDiskBytes,
        IReadOnlyList<HubFileRowResponse> Files);

    /// <summary>
    /// A GGUF file, split set, projector or safetensors folder with its estimate; <c>revision</c> is the branch its files
    /// are on (a download of the row asks for it), <c>modelFormat</c> the library's format of the files once downloaded.
    /// </summary>
    public sealed record HubFileRowResponse(
        string Name,
        HubFileSetKind Kind,
        IReadOnlyList<HubFileResponse> Files,
        long SizeBytes,
        string? Format,
        double? BitsPerWeight,
        long? ParameterCount,
        long HeaderBytesRead,
        bool FitsOnDisk,
        string? Problem,
        EstimateEndpoints.EstimateResponse? Estimate,
        IReadOnlyList<DeviceVerdict> Devices,
        double? TokensPerSecondLow,
        double? TokensPerSecondHigh,
        string Revision,
        string Commit,
        ModelFormat ModelFormat);

    /// <summary>One file of a row.</summary>
    public sealed record HubFileResponse(string Path, long Size, string? Sha256);

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapHubApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/workbench/v1/hub").WithTags("Hub");
        api.MapGet("/models", Search)
            .WithName("SearchHubModels")
            .WithSummary("Hugging Face repositories matching a text, optionally with a tag (gguf, gptq, awq, exl2), most downloaded first.");
        api.MapGet("/models/{owner}/{name}", Model)
            .WithName("GetHubModel")
            .WithSummary("Every model file of a Hugging Face repository with the memory it needs here, read from the files' headers without downloading them.")
            .WithDescription("revision is a branch, tag or commit (default: the default branch). The other parameters are those of /workbench/v1/models/{id}/estimate, and each row's estimate is what that endpoint gives for the same files once downloaded. target names the model folder whose free space is compared with each download (default: the first model folder).");
        return endpoints;
    }

    private static async Task<Results<Ok<List<HubSearchResult>>, ProblemHttpResult>> Search(
        HubRepositoryReader reader, ClaimsPrincipal viewer, string? search, string? filter, int? limit, CancellationToken cancellationToken)
    {
        if (filter is not null && !Tag().IsMatch(filter))
        {
            return TypedResults.Problem($"filter '{filter}' is not a tag such as gguf, gptq, awq or exl2.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var found = await reader.SearchAsync(viewer, search, filter, limit ?? 30, cancellationToken);
            return TypedResults.Ok(found.Select(m => new HubSearchResult(m.Id, m.Downloads, m.Likes, m.Tags, m.LastModified)).ToList());
        }
        catch (HubException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<Ok<HubModelResponse>, ProblemHttpResult>> Model(
        string owner,
        string name,
        HubRepositoryReader reader,
        LibraryFit fit,
        DownloadTargets targets,
        ClaimsPrincipal viewer,
        string? revision,
        int? context,
        string? kvCache,
        bool? flashAttention,
        string? gpuLayers,
        long? vramBytes,
        int? sequences,
        string? target,
        CancellationToken cancellationToken)
    {
        if (!HubRepoId.TryParse($"{owner}/{name}", out var repo, out var invalidRepo))
        {
            return TypedResults.Problem(invalidRepo, statusCode: StatusCodes.Status400BadRequest);
        }

        if (revision is not null && !HubRepoId.IsValidRevision(revision))
        {
            return TypedResults.Problem($"revision '{revision}' is not a branch, tag or commit name.", statusCode: StatusCodes.Status400BadRequest);
        }

        var (query, invalid) = EstimateQuery.Parse(context, kvCache, flashAttention, gpuLayers, vramBytes, sequences);
        if (query is null)
        {
            return TypedResults.Problem(invalid, statusCode: StatusCodes.Status400BadRequest);
        }

        var folder = await targets.ResolveAsync(target, cancellationToken);
        if (target is not null && folder is null)
        {
            return TypedResults.Problem($"target '{target}' is not one of the model folders.", statusCode: StatusCodes.Status400BadRequest);
        }

        HubRepository repository;
        try
        {
            repository = await reader.ReadAsync(viewer, repo, revision, cancellationToken);
        }
        catch (HubException e)
        {
            return Problem(e);
        }

        var rows = HubFitTable.Build(repository, query, fit, folder?.FreeBytes);
        return TypedResults.Ok(new HubModelResponse(
            repository.Repo.ToString(),
            repository.Revision,
            repository.Commit,
            repository.Gated,
            [.. repository.Branches.Select(b => b.Name)],
            folder is null ? null : OwnerDetails.PathFor(viewer, folder.Path),
            folder?.FreeBytes,
            [.. rows.Select(Row)]));
    }

    private static HubFileRowResponse Row(HubFitRow fit) => new(
        fit.Row.Set.Name,
        fit.Row.Set.Kind,
        [.. fit.Row.Set.Files.Select(f => new HubFileResponse(f.Path, f.Size, f.Sha256))],
        fit.Row.Set.TotalBytes,
        fit.Row.Format,
        fit.Row.BitsPerWeight,
        fit.Row.ParameterCount,
        fit.Row.BytesRead,
        fit.FitsOnDisk,
        fit.Row.Problem,
        fit.Estimate,
        fit.Devices,
        fit.Speed?.LowTokensPerSecond,
        fit.Speed?.HighTokensPerSecond,
        fit.Row.Revision,
        fit.Row.Commit,
        fit.Row.ModelFormat);

    private static ProblemHttpResult Problem(HubException e) => TypedResults.Problem(e.Message, statusCode: e.StatusCode switch
    {
        HttpStatusCode.NotFound => StatusCodes.Status404NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status502BadGateway,
    });

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
