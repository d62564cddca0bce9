using System.Runtime.CompilerServices;
using Workbench.Core.Generation;
using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Runs an API request's generation through the gateway (sharing the worker's queue with the Chat page), cuts the
/// answer at its stop sequences, and records the request in the log. The stream always ends with a result.
/// </summary>
public sealed class ApiGeneration(WorkerGateway gateway, CompatModelResolver models, ApiRequestLog log, TimeProvider time)
{
    /// <summary>
    /// Streams the answer. Cancelling <paramref name="cancellationToken"/> (the client went away) stops the worker;
    /// the stream still ends with the worker's own account of how it ended. <paramref name="contextSize"/> is the window
    /// per sequence the request asked for (Ollama's <c>num_ctx</c>); a resident copy with a smaller one is loaded again.
    /// </summary>
    public async IAsyncEnumerable<ApiGenerationUpdate> RunAsync(
        ApiCall call,
        GenerationRequest request,
        IReadOnlyList<string> stopSequences,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        int? contextSize = null)
    {
        // The worker watches for the stop sequences too and ends at the token that completes one, so usage counts
        // what was delivered, the same for the same answer however its chunks were merged on the way.
        request = request with { Sampling = request.Sampling with { StopSequences = stopSequences } };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scanner = new StopSequenceScanner(stopSequences);
        var delivered = 0;
        var recorded = false;
        // Log-probabilities travel with the text they belong to, so they wait while the scanner holds text back.
        List<TokenLogprob>? logprobs = null;
        GenerationCompletion? completion = null;
        try
        {
            // The resolved model travels with the request: if another request swapped it meanwhile, it is loaded back in this turn.
            await foreach (var chunk in gateway.GenerateAsync(request, models.LoadRequestFor(call.Model, contextSize), stop.Token))
            {
                if (chunk.Completion is not null)
                {
                    completion = chunk.Completion;
                    break;
                }

                if (scanner.Stopped)
                {
                    continue; // the worker was told to stop; wait for its final chunk and the prompt count it carries
                }

                delivered += chunk.TokenCount;
                if (chunk.Logprobs is { } more)
                {
                    (logprobs ??= []).AddRange(more);
                }

                var text = scanner.Push(chunk.Text);
                if (scanner.Stopped)
                {
                    await stop.CancelAsync();
                }

                if (text.Length > 0)
                {
                    yield return new ApiGenerationUpdate(text, Logprobs: logprobs);
                    logprobs = null;
                }
            }

            var rest = scanner.Flush();
            if (rest.Length > 0 || logprobs is not null)
            {
                yield return new ApiGenerationUpdate(rest, Logprobs: logprobs);
            }

            completion ??= GenerationCompletion.Failure("The worker stopped answering.");
            var result = new ApiGenerationResult(
                FinishOf(completion, request.Sampling.MaxTokens, scanner.Stopped),
                completion.PromptTokens,
                scanner.Stopped && !completion.StoppedAtStopSequence ? delivered : completion.GeneratedTokens,
                completion.Error,
                completion);
            Record(call, result);
            recorded = true;
            yield return new ApiGenerationUpdate(string.Empty, result);
        }
        finally
        {
            if (!recorded)
            {
                // The caller stopped reading (its client went away while a piece was being written).
                var cancelled = new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, delivered, 0, 0);
                Record(call, new ApiGenerationResult(ApiFinishReason.Cancelled, 0, delivered, null, cancelled));
            }
        }
    }

    /// <summary>Records a request refused before it reached the worker.</summary>
    public void RecordRejected(ApiCall call, ApiRequestException refusal) =>
        log.Add(new ApiRequestRecord(
            call.ArrivedAt, call.Api, call.Endpoint, call.Client, call.Model, 0, 0, 0,
            ApiRequestOutcome.Rejected, $"{refusal.StatusCode}: {refusal.Message}", ElapsedMs(call)));

    private void Record(ApiCall call, ApiGenerationResult result) =>
        log.Add(new ApiRequestRecord(
            call.ArrivedAt, call.Api, call.Endpoint, call.Client, call.Model,
            result.PromptTokens, result.CompletionTokens, result.Completion.TokensPerSecond,
            result.Finish switch
            {
                ApiFinishReason.Cancelled => ApiRequestOutcome.Cancelled,
                ApiFinishReason.Failed => ApiRequestOutcome.Failed,
                _ => ApiRequestOutcome.Completed,
            },
            result.Error,
            ElapsedMs(call)));

    private double ElapsedMs(ApiCall call) => (time.GetUtcNow() - call.ArrivedAt).TotalMilliseconds;

    private static ApiFinishReason FinishOf(GenerationCompletion completion, int maxTokens, bool hitStopSequence) => completion.Outcome switch
    {
        _ when hitStopSequence => ApiFinishReason.Stop,
        GenerationOutcome.Cancelled => ApiFinishReason.Cancelled,
        GenerationOutcome.Failed => ApiFinishReason.Failed,
        _ when completion.StoppedAtContextEnd || completion.GeneratedTokens >= maxTokens => ApiFinishReason.Length,
        _ => ApiFinishReason.Stop,
    };
}
