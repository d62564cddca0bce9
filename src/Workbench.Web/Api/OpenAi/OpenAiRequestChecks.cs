using System.Text.Json;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary>Checks shared by the chat and text completion endpoints.</summary>
internal static class OpenAiRequestChecks
{
    private const int MaxStopSequences = 4;

    /// <summary>The conversation as worker turns; roles other than system, developer, user and assistant are refused.</summary>
    public static IReadOnlyList<ChatTurn> Turns(IReadOnlyList<ChatCompletionMessage>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw ApiRequestException.Invalid("messages", "messages must be a non-empty array of {role, content} objects.");
        }

        var turns = new List<ChatTurn>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw ApiRequestException.Invalid($"messages[{i}]", $"messages[{i}] is null.");
            var role = message.Role switch
            {
                "system" or "developer" => "system",
                "user" or "assistant" => message.Role,
                "tool" or "function" => throw ApiRequestException.Invalid(
                    $"messages[{i}].role", $"messages[{i}] is a tool result (role '{message.Role}'): tool calling is not supported, so there are no tool results to send. Leave tool messages out."),
                _ => throw ApiRequestException.Invalid(
                    $"messages[{i}].role", $"messages[{i}].role must be 'system', 'developer', 'user' or 'assistant'; got '{message.Role}'."),
            };
            turns.Add(new ChatTurn(role, message.Content ?? throw ApiRequestException.Invalid(
                $"messages[{i}].content",
                role == "assistant"
                    ? $"messages[{i}].content is missing; an assistant turn that only calls tools is not supported (no tool calling)."
                    : $"messages[{i}].content is missing.")));
        }

        return turns;
    }

    /// <summary>The stop sequences: at most four, as in OpenAI's API.</summary>
    public static IReadOnlyList<string> StopSequences(IReadOnlyList<string>? stop) =>
        stop is { Count: > MaxStopSequences }
            ? throw ApiRequestException.Invalid("stop", $"stop may hold at most {MaxStopSequences} sequences; got {stop.Count}.")
            : stop ?? [];

    /// <summary>Only one choice per request is generated.</summary>
    public static void SingleChoice(int? n)
    {
        if (n is not null and not 1)
        {
            throw ApiRequestException.Invalid("n", $"Only n = 1 is supported; got {n}.");
        }
    }

    /// <summary>Tool definitions are refused rather than ignored, so a client does not wait for a tool call that never comes.</summary>
    public static void NoTools(JsonElement? tools)
    {
        if (tools is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0)
        {
            throw ApiRequestException.Invalid("tools", "Tool calling is not supported by the Workbench worker.");
        }
    }

    /// <summary>OpenAI's name for how an answer ended.</summary>
    public static string FinishReason(ApiFinishReason finish) => finish == ApiFinishReason.Length ? "length" : "stop";
}
