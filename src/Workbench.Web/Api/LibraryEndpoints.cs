using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Library;
using Workbench.Web.Library;
using Workbench.Web.Security;

namespace Workbench.Web.Api;

/// <summary>The library's JSON API under <c>/workbench/v1</c>, for scripts and other tools.</summary>
public static class LibraryEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapLibraryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/workbench/v1").WithTags("Library");
        // Paths only for the owner: guests and API keys get file names (see OwnerDetails).
        api.MapGet("/models", (LibraryIndex index, ClaimsPrincipal viewer) =>
                index.Models.Select(m => ModelSummary.From(OwnerDetails.ModelFor(viewer, m))).ToList())
            .WithName("ListModels")
            .WithSummary("Every model in the library, without tensor tables.");
        api.MapGet("/models/{id}", Results<Ok<ModelDescriptor>, ProblemHttpResult> (string id, LibraryIndex index, ClaimsPrincipal viewer) =>
                index.Find(id) is { } model
                    ? TypedResults.Ok(OwnerDetails.ModelFor(viewer, model))
                    : TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound))
            .WithName("GetModel")
            .WithSummary("One model with all its facts and tensors.");
        api.MapPost("/library/rescan", (LibraryScanService scanner, ClaimsPrincipal caller) =>
            {
                scanner.RequestRescan(caller);
                return TypedResults.Accepted("/workbench/v1/library/scan", OwnerDetails.ScanFor(caller, scanner.Status));
            })
            .RequireAuthorization(Hosting.WorkbenchSecurityExtensions.OwnerPolicy)
            .WithName("RescanLibrary")
            .WithSummary("Starts a rescan in the background; poll the scan status.");
        api.MapGet("/library/scan", (LibraryScanService scanner, ClaimsPrincipal viewer) => OwnerDetails.ScanFor(viewer, scanner.Status))
            .WithName("GetScanStatus")
            .WithSummary("Progress of the current or last scan.");
        return api;
    }
}
