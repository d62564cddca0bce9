using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;

namespace Workbench.Web.Api;

/// <summary>
/// Saved chat conversations over HTTP: <c>GET /workbench/v1/conversations/{id}/export</c>. A guest finds only
/// their own conversations (another's answers 404, as if it did not exist); the owner finds every one.
/// </summary>
public static class ConversationEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench/v1/conversations/{id}/export", ExportAsync)
            .WithTags("Conversations")
            .WithName("ExportConversation")
            .WithSummary("A saved conversation as a file to download: format=markdown (the default) or format=json.")
            .Produces(StatusCodes.Status200OK, contentType: "text/markdown", additionalContentTypes: ["application/json"])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string id,
        string? format,
        System.Security.Claims.ClaimsPrincipal user,
        ConversationStore store,
        CancellationToken cancellationToken)
    {
        if (!ConversationExporter.TryParseFormat(format ?? "markdown", out var exportFormat))
        {
            return TypedResults.Problem(
                $"Unknown export format '{format}'; use one of: {string.Join(", ", ConversationExporter.FormatNames)}.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (!Guid.TryParse(id, out var conversationId) || await store.GetAsync(ConversationCaller.From(user), conversationId, cancellationToken) is not { } transcript)
        {
            return TypedResults.Problem($"No conversation with id '{id}' is saved.", statusCode: StatusCodes.Status404NotFound);
        }

        var content = Encoding.UTF8.GetBytes(ConversationExporter.Export(transcript, exportFormat));
        var contentType = exportFormat == ConversationExportFormat.Json ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8";
        return TypedResults.File(content, contentType, ConversationExporter.FileName(transcript.Conversation, exportFormat));
    }
}
