using Workbench.Web.Workers;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Embeds texts for the compatible APIs: resolves the model (loading it beside the resident ones when it fits, never
/// evicting one that is answering), asks the worker, and records the request in the log.
/// </summary>
public sealed class ApiEmbeddings(WorkerGateway gateway, CompatModelResolver models, ApiRequestLog log, TimeProvider time)
{
    /// <summary>The vectors and the tokens read; refusals are thrown as <see cref="ApiRequestException"/>.</summary>
    public async Task<(string Model, Core.Protocol.EmbeddingResult Result)> EmbedAsync(ApiCall call, string? model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var name = models.Resolve(model);
        var request = models.LoadRequestFor(name)!;
        var result = await gateway.EmbedAsync(request, texts, cancellationToken);
        var elapsed = (time.GetUtcNow() - call.ArrivedAt).TotalMilliseconds;
        if (result.Error is { } error)
        {
            log.Add(new ApiRequestRecord(call.ArrivedAt, call.Api, call.Endpoint, call.Client, name, 0, 0, 0, ApiRequestOutcome.Failed, error, elapsed));
            throw new ApiRequestException(StatusCodes.Status500InternalServerError, error, "model", "embedding_failed");
        }

        log.Add(new ApiRequestRecord(call.ArrivedAt, call.Api, call.Endpoint, call.Client, name, result.PromptTokens, 0, 0, ApiRequestOutcome.Completed, null, elapsed));
        return (name, result);
    }

    /// <summary>Records a request refused before it reached the worker.</summary>
    public void RecordRejected(ApiCall call, ApiRequestException refusal)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(refusal);
        log.Add(new ApiRequestRecord(
            call.ArrivedAt, call.Api, call.Endpoint, call.Client, call.Model, 0, 0, 0,
            ApiRequestOutcome.Rejected, $"{refusal.StatusCode}: {refusal.Message}", (time.GetUtcNow() - call.ArrivedAt).TotalMilliseconds));
    }
}
