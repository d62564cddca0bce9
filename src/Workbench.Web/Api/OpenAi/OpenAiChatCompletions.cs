using System.Text;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>, whole or streamed.</summary>
internal static class OpenAiChatCompletions
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
            var body = await JsonRequestBody.ReadAsync(http, OpenAiJsonContext.Default.ChatCompletionRequest, settings.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            var turns = OpenAiRequestChecks.Turns(body.Messages);
            var stop = OpenAiRequestChecks.StopSequences(body.Stop);
            OpenAiRequestChecks.SingleChoice(body.N);
            OpenAiRequestChecks.NoTools(body.Tools);
            var logprobs = ApiLogprobs.FromSwitch(body.Logprobs, body.TopLogprobs);
            var sampling = new ApiSampling(
                body.Temperature, body.TopP, body.TopK, body.MinP, body.RepetitionPenalty,
                body.MaxCompletionTokens ?? body.MaxTokens, body.Seed, ApiSamplingNames.OpenAi).ToSettings(settings.MaxTokensLimit);
            sampling = sampling with { Grammar = ApiResponseFormat.FromOpenAi(body.ResponseFormat), Logprobs = logprobs };
            var model = await models.EnsureLoadedAsync(body.Model, http.RequestAborted);
            call = call with { Model = model };
            var request = new GenerationRequest(Guid.NewGuid(), turns, sampling);
            var answer = new Answer("chatcmpl-" + request.RequestId.ToString("N"), OpenAiEndpoints.UnixSeconds(time), model);
            await using var started = await ApiAnswer.StartAsync(generation.RunAsync(call, request, stop, http.RequestAborted));
            if (started.FailedAtOnce is { } failed)
            {
                return OpenAiEndpoints.Error(failed.ToRefusal("messages"));
            }

            return body.Stream == true
                ? await StreamAsync(http, answer, started.ReadAllAsync(), body.StreamOptions?.IncludeUsage == true)
                : await WholeAsync(answer, started.ReadAllAsync());
        }
        catch (ApiRequestException refusal)
        {
            generation.RecordRejected(call, refusal);
            return OpenAiEndpoints.Error(refusal);
        }
    }

    private static async Task<IResult> WholeAsync(Answer answer, IAsyncEnumerable<ApiGenerationUpdate> updates)
    {
        var whole = await WholeAnswer.ReadAsync(updates);
        var (text, result) = whole;

        return result!.Finish switch
        {
            ApiFinishReason.Failed => OpenAiEndpoints.Error(result.ToRefusal("messages")),
            ApiFinishReason.Cancelled => Results.Empty, // the client is gone; nobody reads an answer
            _ => TypedResults.Json(
                new ChatCompletion(
                    answer.Id, "chat.completion", answer.Created, answer.Model,
                    [new ChatCompletionChoice(0, new AssistantMessage("assistant", text), ChatLogprobs.From(whole.Logprobs), OpenAiRequestChecks.FinishReason(result.Finish))],
                    CompletionUsage.Of(result.PromptTokens, result.CompletionTokens)),
                OpenAiJsonContext.Default.ChatCompletion),
        };
    }

    private static async Task<IResult> StreamAsync(HttpContext http, Answer answer, IAsyncEnumerable<ApiGenerationUpdate> updates, bool includeUsage)
    {
        var events = ApiStreamWriter.ServerSentEvents(http);
        var type = OpenAiJsonContext.Default.ChatCompletionChunk;
        await events.WriteAsync(answer.Chunk(new ChatCompletionDelta("assistant", string.Empty), null), type);
        await foreach (var update in updates)
        {
            if (update.Result is not { } result)
            {
                await events.WriteAsync(answer.Chunk(new ChatCompletionDelta(null, update.Text), null, ChatLogprobs.From(update.Logprobs)), type);
                continue;
            }

            if (result.Finish == ApiFinishReason.Failed)
            {
                var failure = result.ToRefusal("messages");
                await events.WriteAsync(
                    new OpenAiErrorEnvelope(new OpenAiError(failure.Message, "server_error", null, failure.Code)), OpenAiJsonContext.Default.OpenAiErrorEnvelope);
            }
            else if (result.Finish != ApiFinishReason.Cancelled)
            {
                await events.WriteAsync(answer.Chunk(new ChatCompletionDelta(null, null), OpenAiRequestChecks.FinishReason(result.Finish)), type);
                if (includeUsage)
                {
                    await events.WriteAsync(
                        new ChatCompletionChunk(answer.Id, "chat.completion.chunk", answer.Created, answer.Model, [], CompletionUsage.Of(result.PromptTokens, result.CompletionTokens)),
                        type);
                }
            }
        }

        await events.WriteRawAsync("[DONE]");
        return Results.Empty;
    }

    private sealed record Answer(string Id, long Created, string Model)
    {
        public ChatCompletionChunk Chunk(ChatCompletionDelta delta, string? finishReason, ChatLogprobs? logprobs = null) =>
            new(Id, "chat.completion.chunk", Created, Model, [new ChatCompletionChunkChoice(0, delta, logprobs, finishReason)]);
    }
}
