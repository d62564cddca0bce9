using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Web.Hosting;
using Workbench.Web.Security;

namespace Workbench.Web.Api;

/// <summary>
/// The owner's sign-in tokens over HTTP (the Settings page uses the same <see cref="AccessTokenStore"/>):
/// list, create (the token is answered once) and delete, which ends that token's sessions.
/// </summary>
public static class AccessTokenEndpoints
{
    /// <summary>Maps <c>/workbench/v1/access/tokens</c>.</summary>
    public static RouteGroupBuilder MapAccessTokenApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/workbench/v1/access/tokens")
            .WithTags("Access")
            .RequireAuthorization(WorkbenchSecurityExtensions.OwnerPolicy);
        api.MapGet(string.Empty, (AccessTokenStore tokens) => tokens.List())
            .WithName("ListAccessTokens")
            .WithSummary("Every sign-in token (never the token itself).");
        api.MapPost(string.Empty, Create)
            .WithName("CreateAccessToken")
            .WithSummary("Makes a token for role 'owner' or 'guest'; the answer is the only place the token appears.");
        api.MapDelete("/{id}", Delete)
            .WithName("DeleteAccessToken")
            .WithSummary("Deletes a token; sessions it signed in end within the revalidation interval.");
        return api;
    }

    private static Results<Created<CreatedAccessToken>, ProblemHttpResult> Create(NewAccessToken request, AccessTokenStore tokens)
    {
        try
        {
            var created = tokens.Create(request.Role ?? AccessRoles.Guest, request.Name ?? request.Role ?? AccessRoles.Guest);
            return TypedResults.Created($"/workbench/v1/access/tokens/{created.Token.Id}", created);
        }
        catch (ArgumentException refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static Results<NoContent, ProblemHttpResult> Delete(string id, AccessTokenStore tokens)
    {
        try
        {
            return tokens.Delete(id)
                ? TypedResults.NoContent()
                : TypedResults.Problem($"No access token with id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }
        catch (LastOwnerTokenException refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }
}

/// <summary>Body of a token request.</summary>
/// <param name="Role"><c>owner</c> or <c>guest</c> (the default).</param>
/// <param name="Name">What the token is for; defaults to the role.</param>
public sealed record NewAccessToken(string? Role, string? Name);
