using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary><c>POST /api/chat</c> and <c>POST /api/generate</c>, streamed as JSON lines or whole.</summary>
internal static class OllamaGeneration
{
    // Smaller windows hold hardly a system prompt; llama.cpp itself refuses far smaller ones.
    private const int MinimumContext = 64;

    public static async Task<IResult> ChatAsync(
        HttpContext http, ApiClientQuota quota, CompatModelResolver models, ApiGeneration generation, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OllamaEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var settings = options.CurrentValue;
            var body = await JsonRequestBody.ReadAsync(http, OllamaJsonContext.Default.OllamaChatRequest, settings.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            if (body.Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
            {
                throw ApiRequestException.Invalid("tools", "Tool calling is not supported by the Workbench worker.");
            }

            var keepAlive = OllamaKeepAlive.Parse(body.KeepAlive);
            if (body.Messages is null or { Count: 0 })
            {
                // Ollama's way to load (or, with keep_alive 0, unload) a model without answering.
                var done = await LoadOrUnloadAsync(models, body.Model, keepAlive, ContextSize(body.Options), time, http.RequestAborted);
                return TypedResults.Json(
                    new OllamaChatChunk(done.Model, done.CreatedAt, new OllamaAnswerMessage("assistant", string.Empty), true, done.DoneReason),
                    OllamaJsonContext.Default.OllamaChatChunk);
            }

            var turns = Turns(body.Messages);
            var sampling = Sampling(body.Options, settings) with
            {
                Grammar = ApiResponseFormat.FromOllama(body.Format),
                Logprobs = ApiLogprobs.FromSwitch(body.Logprobs, body.TopLogprobs),
            };
            var window = ContextSize(body.Options);
            var model = await models.EnsureLoadedAsync(body.Model, window, http.RequestAborted);
            models.SetKeepAlive(model, keepAlive);
            call = call with { Model = model };
            var request = new GenerationRequest(Guid.NewGuid(), turns, sampling);
            var updates = generation.RunAsync(call, request, body.Options?.Stop ?? [], http.RequestAborted, window);
            return await RespondAsync(
                http, updates, body.Stream != false, "messages", OllamaJsonContext.Default.OllamaChatChunk,
                (text, result, logprobs) =>
                {
                    var line = result is null ? new OllamaChatChunk(model, Now(time), new OllamaAnswerMessage("assistant", text), false) : OllamaDone.From(result).Chat(model, Now(time), text);
                    return line with { Logprobs = OllamaLogprob.From(logprobs) };
                });
        }
        catch (ApiRequestException refusal)
        {
            generation.RecordRejected(call, refusal);
            return OllamaEndpoints.Error(refusal);
        }
    }

    public static async Task<IResult> GenerateAsync(
        HttpContext http, ApiClientQuota quota, CompatModelResolver models, ApiGeneration generation, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OllamaEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var settings = options.CurrentValue;
            var body = await JsonRequestBody.ReadAsync(http, OllamaJsonContext.Default.OllamaGenerateRequest, settings.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            if (body.Images is { Count: > 0 })
            {
                throw ApiRequestException.Invalid("images", "Images are not supported: the worker runs text models.");
            }

            var sampling = Sampling(body.Options, settings) with
            {
                Grammar = ApiResponseFormat.FromOllama(body.Format),
                Logprobs = ApiLogprobs.FromSwitch(body.Logprobs, body.TopLogprobs),
            };
            var keepAlive = OllamaKeepAlive.Parse(body.KeepAlive);
            if (string.IsNullOrEmpty(body.Prompt))
            {
                // Ollama's way to load (or, with keep_alive 0, unload) a model without generating.
                return TypedResults.Json(await LoadOrUnloadAsync(models, body.Model, keepAlive, ContextSize(body.Options), time, http.RequestAborted), OllamaJsonContext.Default.OllamaGenerateChunk);
            }

            var window = ContextSize(body.Options);
            var model = await models.EnsureLoadedAsync(body.Model, window, http.RequestAborted);
            models.SetKeepAlive(model, keepAlive);

            call = call with { Model = model };
            List<ChatTurn> turns = string.IsNullOrEmpty(body.System) ? [] : [new ChatTurn("system", body.System)];
            turns.Add(new ChatTurn("user", body.Prompt));
            // raw: the prompt as it is, no template; a suffix: fill in the middle with the model's FIM tokens.
            var request = new GenerationRequest(Guid.NewGuid(), turns, sampling)
            {
                RawPrompt = body.Raw == true || !string.IsNullOrEmpty(body.Suffix) ? body.Prompt : null,
                Suffix = string.IsNullOrEmpty(body.Suffix) ? null : body.Suffix,
            };
            var updates = generation.RunAsync(call, request, body.Options?.Stop ?? [], http.RequestAborted, window);
            return await RespondAsync(
                http, updates, body.Stream != false, "prompt", OllamaJsonContext.Default.OllamaGenerateChunk,
                (text, result, logprobs) =>
                {
                    var line = result is null ? new OllamaGenerateChunk(model, Now(time), text, false) : OllamaDone.From(result).Generate(model, Now(time), text);
                    return line with { Logprobs = OllamaLogprob.From(logprobs) };
                });
        }
        catch (ApiRequestException refusal)
        {
            generation.RecordRejected(call, refusal);
            return OllamaEndpoints.Error(refusal);
        }
    }

    private static async Task<OllamaGenerateChunk> LoadOrUnloadAsync(
        CompatModelResolver models, string? requested, TimeSpan? keepAlive, int? contextSize, TimeProvider time, CancellationToken cancellationToken)
    {
        if (keepAlive == TimeSpan.Zero)
        {
            var unloaded = await models.UnloadAsync(requested, cancellationToken);
            return new OllamaGenerateChunk(unloaded, Now(time), string.Empty, true, "unload");
        }

        var model = await models.EnsureLoadedAsync(requested, contextSize, cancellationToken);
        models.SetKeepAlive(model, keepAlive);
        return new OllamaGenerateChunk(model, Now(time), string.Empty, true, "load");
    }


    private static List<ChatTurn> Turns(IReadOnlyList<OllamaMessage>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw ApiRequestException.Invalid("messages", "messages must be a non-empty array of {role, content} objects.");
        }

        var turns = new List<ChatTurn>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw ApiRequestException.Invalid($"messages[{i}]", $"messages[{i}] is null.");
            if (message.Role is not ("system" or "user" or "assistant"))
            {
                throw ApiRequestException.Invalid($"messages[{i}].role", $"messages[{i}].role must be 'system', 'user' or 'assistant'; got '{message.Role}'.");
            }

            if (message.Images is { Count: > 0 })
            {
                throw ApiRequestException.Invalid($"messages[{i}].images", "Images are not supported: the worker runs text models.");
            }

            turns.Add(new ChatTurn(message.Role, message.Content ?? string.Empty));
        }

        return turns;
    }

    // Ollama's num_ctx: the window to load the model with (capped at what it was trained for); null keeps the setting.
    private static int? ContextSize(OllamaOptions? options) => options?.NumCtx switch
    {
        null => null,
        < MinimumContext or > int.MaxValue => throw ApiRequestException.Invalid(
            "options.num_ctx", $"options.num_ctx must be at least {MinimumContext} tokens; got {options.NumCtx}."),
        var tokens => (int)tokens.Value,
    };

    private static SamplingSettings Sampling(OllamaOptions? options, ApiOptions settings)
    {
        // -1 (unlimited) and -2 (fill the context) run to the end of the context window, like no limit at all.
        var limit = options?.NumPredict is -1 or -2 ? null : options?.NumPredict;
        return new ApiSampling(
            options?.Temperature, options?.TopP, options?.TopK, options?.MinP, options?.RepeatPenalty, limit, options?.Seed, ApiSamplingNames.Ollama)
            .ToSettings(settings.MaxTokensLimit);
    }

    /// <summary>
    /// Streams each update as a JSON line, or collects them into one object when streaming is off. <paramref name="shape"/>
    /// makes a line of text (with its tokens' log-probabilities, when asked for) or, given the result, the last one.
    /// </summary>
    private static async Task<IResult> RespondAsync<T>(
        HttpContext http,
        IAsyncEnumerable<ApiGenerationUpdate> generated,
        bool stream,
        string promptField,
        JsonTypeInfo<T> type,
        Func<string, ApiGenerationResult?, IReadOnlyList<TokenLogprob>?, T> shape)
    {
        await using var started = await ApiAnswer.StartAsync(generated);
        if (started.FailedAtOnce is { } failed)
        {
            return OllamaEndpoints.Error(failed.ToRefusal(promptField));
        }

        var updates = started.ReadAllAsync();
        if (!stream)
        {
            var whole = await WholeAnswer.ReadAsync(updates);
            var (text, result) = whole;

            return result!.Finish switch
            {
                ApiFinishReason.Failed => OllamaEndpoints.Error(result.ToRefusal(promptField)),
                ApiFinishReason.Cancelled => Results.Empty,
                _ => TypedResults.Json(shape(text, result, whole.Logprobs), type),
            };
        }

        var lines = ApiStreamWriter.JsonLines(http);
        await foreach (var update in updates)
        {
            if (update.Result is not { } result)
            {
                await lines.WriteAsync(shape(update.Text, null, update.Logprobs), type);
            }
            else if (result.Finish == ApiFinishReason.Failed)
            {
                await lines.WriteAsync(new OllamaError(result.ToRefusal(promptField).Message), OllamaJsonContext.Default.OllamaError);
            }
            else if (result.Finish != ApiFinishReason.Cancelled)
            {
                await lines.WriteAsync(shape(string.Empty, result, null), type);
            }
        }

        return Results.Empty;
    }

    private static string Now(TimeProvider time) => OllamaEndpoints.Timestamp(time.GetUtcNow());
}
