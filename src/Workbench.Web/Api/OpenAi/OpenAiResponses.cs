using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary>
/// <c>POST /v1/responses</c> for text in and text out, whole or streamed with the event sequence the OpenAI SDKs'
/// <c>responses.create</c> / <c>responses.stream</c> read: created, in_progress, output_item.added,
/// content_part.added, output_text.delta…, output_text.done, content_part.done, output_item.done, completed.
/// Nothing is stored, so <c>previous_response_id</c> is refused.
/// </summary>
internal static class OpenAiResponses
{
    public static async Task<IResult> HandleAsync(
        HttpContext http, ApiClientQuota quota, CompatModelResolver models, ApiGeneration generation, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    {
        var call = ApiCall.From(http, OpenAiEndpoints.ApiName, time);
        try
        {
            using var inFlight = quota.Enter(http);
            var settings = options.CurrentValue;
            var body = await JsonRequestBody.ReadAsync(http, OpenAiJsonContext.Default.ResponsesRequest, settings.MaxRequestBodyBytes);
            call = call with { Model = body.Model };
            if (body.PreviousResponseId is not null)
            {
                throw ApiRequestException.Invalid("previous_response_id", "previous_response_id is not supported: responses are not stored; send the whole conversation in input.");
            }

            OpenAiRequestChecks.NoTools(body.Tools);
            var turns = Turns(body.Instructions, body.Input);
            var sampling = new ApiSampling(body.Temperature, body.TopP, null, null, null, body.MaxOutputTokens, null, ApiSamplingNames.Responses)
                .ToSettings(settings.MaxTokensLimit);
            sampling = sampling with
            {
                Grammar = ApiResponseFormat.FromOpenAiTextFormat(body.Text),
                Logprobs = ApiLogprobs.FromInclude(body.Include, body.TopLogprobs),
            };
            var model = await models.EnsureLoadedAsync(body.Model, http.RequestAborted);
            call = call with { Model = model };
            var request = new GenerationRequest(Guid.NewGuid(), turns, sampling);
            var answer = new Answer("resp_" + request.RequestId.ToString("N"), "msg_" + request.RequestId.ToString("N"), OpenAiEndpoints.UnixSeconds(time), model);
            await using var started = await ApiAnswer.StartAsync(generation.RunAsync(call, request, [], http.RequestAborted));
            if (started.FailedAtOnce is { } failed)
            {
                return OpenAiEndpoints.Error(failed.ToRefusal("input"));
            }

            return body.Stream == true ? await StreamAsync(http, answer, started.ReadAllAsync()) : await WholeAsync(answer, started.ReadAllAsync());
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
            ApiFinishReason.Failed => OpenAiEndpoints.Error(result.ToRefusal("input")),
            ApiFinishReason.Cancelled => Results.Empty,
            _ => TypedResults.Json(answer.Response(result, text, whole.Logprobs), OpenAiJsonContext.Default.JsonObject),
        };
    }

    private static async Task<IResult> StreamAsync(HttpContext http, Answer answer, IAsyncEnumerable<ApiGenerationUpdate> updates)
    {
        var events = ApiStreamWriter.ServerSentEvents(http);
        var sequence = 0;
        Task Send(string type, JsonObject fields)
        {
            fields["type"] = type;
            fields["sequence_number"] = sequence++;
            return events.WriteAsync(fields, OpenAiJsonContext.Default.JsonObject);
        }

        await Send("response.created", new JsonObject { ["response"] = answer.Response(null, string.Empty) });
        await Send("response.in_progress", new JsonObject { ["response"] = answer.Response(null, string.Empty) });
        await Send("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = answer.Message(null, "in_progress") });
        await Send("response.content_part.added", answer.PartEvent(Answer.TextPart(string.Empty)));
        var text = new StringBuilder();
        List<TokenLogprob>? logprobs = null;
        await foreach (var update in updates)
        {
            if (update.Result is not { } result)
            {
                if (update.Logprobs is { } more)
                {
                    (logprobs ??= []).AddRange(more);
                }

                if (update.Text.Length > 0 || update.Logprobs is { Count: > 0 })
                {
                    text.Append(update.Text);
                    var delta = answer.PartEvent(null);
                    delta["delta"] = update.Text;
                    delta["logprobs"] = Answer.Logprobs(update.Logprobs);
                    await Send("response.output_text.delta", delta);
                }

                continue;
            }

            if (result.Finish == ApiFinishReason.Failed)
            {
                var failure = result.ToRefusal("input");
                await Send("error", new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message, ["param"] = null });
            }
            else if (result.Finish != ApiFinishReason.Cancelled)
            {
                var done = answer.PartEvent(null);
                done["text"] = text.ToString();
                done["logprobs"] = Answer.Logprobs(logprobs);
                await Send("response.output_text.done", done);
                await Send("response.content_part.done", answer.PartEvent(Answer.TextPart(text.ToString(), logprobs)));
                await Send("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = answer.Message(text.ToString(), "completed", logprobs) });
                var final = answer.Response(result, text.ToString(), logprobs);
                await Send(final["status"]!.GetValue<string>() == "completed" ? "response.completed" : "response.incomplete", new JsonObject { ["response"] = final });
            }
        }

        return Results.Empty;
    }

    // input: a string (one user turn) or messages with text content; instructions go first as a system turn.
    private static List<ChatTurn> Turns(string? instructions, JsonElement? input)
    {
        var turns = new List<ChatTurn>();
        if (!string.IsNullOrEmpty(instructions))
        {
            turns.Add(new ChatTurn("system", instructions));
        }

        switch (input)
        {
            case { ValueKind: JsonValueKind.String } text:
                turns.Add(new ChatTurn("user", text.GetString()!));
                break;
            case { ValueKind: JsonValueKind.Array } items:
                var i = 0;
                foreach (var item in items.EnumerateArray())
                {
                    turns.Add(Turn(item, $"input[{i++}]"));
                }

                break;
            default:
                throw ApiRequestException.Invalid("input", "input must be a string or an array of messages with role and content.");
        }

        return turns.Count > 0 && turns[^1].Role != "system"
            ? turns
            : throw ApiRequestException.Invalid("input", "input must hold at least one message.");
    }

    private static ChatTurn Turn(JsonElement item, string field)
    {
        var type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) ? t.GetString() : "message";
        if (type != "message" || !item.TryGetProperty("role", out var roleValue) || roleValue.ValueKind != JsonValueKind.String)
        {
            throw ApiRequestException.Invalid(field, $"{field} must be a message with role and content; items of type '{type}' (tool calls, images, files) are not supported.");
        }

        var role = roleValue.GetString() switch
        {
            "system" or "developer" => "system",
            "user" => "user",
            "assistant" => "assistant",
            var other => throw ApiRequestException.Invalid($"{field}.role", $"{field}.role must be 'system', 'developer', 'user' or 'assistant'; got '{other}'."),
        };
        if (!item.TryGetProperty("content", out var content))
        {
            throw ApiRequestException.Invalid($"{field}.content", $"{field}.content is missing.");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatTurn(role, content.GetString()!);
        }

        var text = new StringBuilder();
        foreach (var part in content.ValueKind == JsonValueKind.Array ? content.EnumerateArray() : throw ApiRequestException.Invalid($"{field}.content", $"{field}.content must be a string or an array of text parts."))
        {
            var partType = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var p) ? p.GetString() : null;
            if (partType is not ("input_text" or "output_text" or "text") || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                throw ApiRequestException.Invalid($"{field}.content", $"{field}.content has a part of type '{partType ?? "unknown"}': only text parts are supported, the worker runs text models.");
            }

            text.Append(partText.GetString());
        }

        return new ChatTurn(role, text.ToString());
    }

    private sealed record Answer(string Id, string MessageId, long Created, string Model)
    {
        public static JsonObject TextPart(string text, IReadOnlyList<TokenLogprob>? logprobs = null) =>
            new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray(), ["logprobs"] = Logprobs(logprobs) };

        // The Responses API's shape, the chat API's entries: token, logprob, bytes, top_logprobs. A new array each
        // time, since a JSON node has one parent.
        public static JsonArray Logprobs(IReadOnlyList<TokenLogprob>? tokens) =>
            tokens is null ? [] : [.. tokens.Select(t => JsonSerializer.SerializeToNode(ChatTokenLogprob.From(t), OpenAiJsonContext.Default.ChatTokenLogprob))];

        public JsonObject PartEvent(JsonObject? part)
        {
            var fields = new JsonObject { ["item_id"] = MessageId, ["output_index"] = 0, ["content_index"] = 0 };
            if (part is not null)
            {
                fields["part"] = part;
            }

            return fields;
        }

        public JsonObject Message(string? text, string status, IReadOnlyList<TokenLogprob>? logprobs = null) => new()
        {
            ["type"] = "message",
            ["id"] = MessageId,
            ["status"] = status,
            ["role"] = "assistant",
            ["content"] = text is null ? new JsonArray() : new JsonArray(TextPart(text, logprobs)),
        };

        // The response object: in progress (no result yet), completed, or incomplete when the token limit or window ended it.
        public JsonObject Response(ApiGenerationResult? result, string text, IReadOnlyList<TokenLogprob>? logprobs = null)
        {
            var status = result is null ? "in_progress" : result.Finish == ApiFinishReason.Length ? "incomplete" : "completed";
            return new JsonObject
            {
                ["id"] = Id,
                ["object"] = "response",
                ["created_at"] = Created,
                ["status"] = status,
                ["model"] = Model,
                ["error"] = null,
                ["incomplete_details"] = status == "incomplete" ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
                ["output"] = result is null ? new JsonArray() : new JsonArray(Message(text, status == "incomplete" ? "incomplete" : "completed", logprobs)),
                ["parallel_tool_calls"] = false,
                ["tools"] = new JsonArray(),
                ["usage"] = result is null ? null : new JsonObject
                {
                    ["input_tokens"] = result.PromptTokens,
                    ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                    ["output_tokens"] = result.CompletionTokens,
                    ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                    ["total_tokens"] = result.PromptTokens + result.CompletionTokens,
                },
            };
        }
    }
}
