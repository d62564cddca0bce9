using System.Text;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary>
/// <c>POST /v1/completions</c>, whole or streamed. As with OpenAI, the prompt goes to the model as it is (the chat
/// template is for chat); <c>suffix</c> fills in the middle with the model's FIM tokens and <c>echo</c> sends the
/// prompt back before the answer.
/// </summary>
internal static class OpenAiTextCompletions
{
    public static async Task<IResult> HandleAsync(
        HttpContext http, ApiClientQuota quota,
        CompatModelResolver models,
        ApiGeneration generation,
        IOptionsMonitor<ApiOptions> options,
        TimeProvider time)
    {
        var call = ApiCall.From(http, OpenAiEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var settings = options.CurrentValue;
            var body = await JsonRequestBody.ReadAsync(http, OpenAiJsonContext.Default.TextCompletionRequest, settings.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            var prompt = body.Prompt switch
            {
                null or { Count: 0 } => throw ApiRequestException.Invalid("prompt", "prompt must be a string."),
                { Count: > 1 } => throw ApiRequestException.Invalid("prompt", $"Only one prompt per request is supported; got {body.Prompt.Count}."),
                _ => body.Prompt[0],
            };
            var stop = OpenAiRequestChecks.StopSequences(body.Stop);
            OpenAiRequestChecks.SingleChoice(body.N);
            var logprobs = ApiLogprobs.FromCount(body.Logprobs);
            if (logprobs is not null && body.Echo == true)
            {
                throw ApiRequestException.Invalid("echo", "echo with logprobs is not supported: Workbench gives log-probabilities for generated tokens only, not for the prompt's.");
            }

            var sampling = new ApiSampling(body.Temperature, body.TopP, null, null, null, body.MaxTokens, body.Seed, ApiSamplingNames.OpenAi)
                .ToSettings(settings.MaxTokensLimit);
            sampling = sampling with { Logprobs = logprobs };
            var model = await models.EnsureLoadedAsync(body.Model, http.RequestAborted);
            call = call with { Model = model };
            var request = new GenerationRequest(Guid.NewGuid(), [new ChatTurn("user", prompt)], sampling)
            {
                RawPrompt = prompt,
                Suffix = string.IsNullOrEmpty(body.Suffix) ? null : body.Suffix,
            };
            var echoed = body.Echo == true ? prompt : string.Empty;
            var id = "cmpl-" + request.RequestId.ToString("N");
            var created = OpenAiEndpoints.UnixSeconds(time);
            await using var started = await ApiAnswer.StartAsync(generation.RunAsync(call, request, stop, http.RequestAborted));
            if (started.FailedAtOnce is { } failed)
            {
                return OpenAiEndpoints.Error(failed.ToRefusal("prompt"));
            }

            return body.Stream == true
                ? await StreamAsync(http, id, created, model, echoed, started.ReadAllAsync(), body.StreamOptions?.IncludeUsage == true)
                : await WholeAsync(id, created, model, echoed, started.ReadAllAsync());
        }
        catch (ApiRequestException refusal)
        {
            generation.RecordRejected(call, refusal);
            return OpenAiEndpoints.Error(refusal);
        }
    }

    private static async Task<IResult> WholeAsync(string id, long created, string model, string echoed, IAsyncEnumerable<ApiGenerationUpdate> updates)
    {
        var whole = await WholeAnswer.ReadAsync(updates, echoed);
        var (text, result) = whole;
        var offset = echoed.Length;

        return result!.Finish switch
        {
            ApiFinishReason.Failed => OpenAiEndpoints.Error(result.ToRefusal("prompt")),
            ApiFinishReason.Cancelled => Results.Empty,
            _ => TypedResults.Json(
                new TextCompletion(
                    id, "text_completion", created, model,
                    [new TextCompletionChoice(text, 0, TextLogprobs.From(whole.Logprobs, ref offset), OpenAiRequestChecks.FinishReason(result.Finish))],
                    CompletionUsage.Of(result.PromptTokens, result.CompletionTokens)),
                OpenAiJsonContext.Default.TextCompletion),
        };
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http, string id, long created, string model, string echoed, IAsyncEnumerable<ApiGenerationUpdate> updates, bool includeUsage)
    {
        var events = ApiStreamWriter.ServerSentEvents(http);
        var type = OpenAiJsonContext.Default.TextCompletion;
        if (echoed.Length > 0)
        {
            await events.WriteAsync(new TextCompletion(id, "text_completion", created, model, [new TextCompletionChoice(echoed, 0, null, null)]), type);
        }

        var offset = echoed.Length;
        await foreach (var update in updates)
        {
            if (update.Result is not { } result)
            {
                var logprobs = TextLogprobs.From(update.Logprobs, ref offset);
                await events.WriteAsync(new TextCompletion(id, "text_completion", created, model, [new TextCompletionChoice(update.Text, 0, logprobs, null)]), type);
                continue;
            }

            if (result.Finish == ApiFinishReason.Failed)
            {
                var failure = result.ToRefusal("prompt");
                await events.WriteAsync(
                    new OpenAiErrorEnvelope(new OpenAiError(failure.Message, "server_error", null, failure.Code)), OpenAiJsonContext.Default.OpenAiErrorEnvelope);
            }
            else if (result.Finish != ApiFinishReason.Cancelled)
            {
                var usage = includeUsage ? CompletionUsage.Of(result.PromptTokens, result.CompletionTokens) : null;
                await events.WriteAsync(
                    new TextCompletion(id, "text_completion", created, model, [new TextCompletionChoice(string.Empty, 0, null, OpenAiRequestChecks.FinishReason(result.Finish))], usage),
                    type);
            }
        }

        await events.WriteRawAsync("[DONE]");
        return Results.Empty;
    }
}
