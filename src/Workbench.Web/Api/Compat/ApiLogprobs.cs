using System.Text.Json;
using Workbench.Core.Protocol;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Reads how many log-probabilities a request asks for, in the two shapes the APIs use, into
/// <see cref="SamplingSettings.Logprobs"/>: null for none, else the count of alternatives beside each chosen token.
/// </summary>
internal static class ApiLogprobs
{
    /// <summary>The legacy completions API's limit on alternatives, as OpenAI's.</summary>
    public const int MaxLegacyAlternatives = 5;

    /// <summary>
    /// OpenAI chat and Ollama: <c>logprobs</c> switches them on and <c>top_logprobs</c> (0–20) adds alternatives;
    /// alternatives without the switch are refused, as OpenAI refuses them.
    /// </summary>
    public static int? FromSwitch(JsonElement? logprobs, JsonElement? topLogprobs)
    {
        var on = logprobs?.ValueKind switch
        {
            null or JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
            JsonValueKind.True => true,
            _ => throw ApiRequestException.Invalid("logprobs", "logprobs must be true or false."),
        };
        var top = Count(topLogprobs, "top_logprobs", SamplingSettings.MaxLogprobAlternatives);
        if (top > 0 && !on)
        {
            throw ApiRequestException.Invalid("top_logprobs", "top_logprobs needs logprobs set to true.");
        }

        return on ? top ?? 0 : null;
    }

    /// <summary>
    /// OpenAI's Responses API: <c>include</c> naming <c>message.output_text.logprobs</c> switches them on, and
    /// <c>top_logprobs</c> (0–20) asks for alternatives (and so for log-probabilities too).
    /// </summary>
    public static int? FromInclude(IReadOnlyList<string>? include, JsonElement? topLogprobs)
    {
        var top = Count(topLogprobs, "top_logprobs", SamplingSettings.MaxLogprobAlternatives);
        return include?.Contains("message.output_text.logprobs", StringComparer.Ordinal) == true || top > 0 ? top ?? 0 : null;
    }

    /// <summary>A token's bytes as the numbers both APIs list, where JSON would otherwise write a byte array as base64.</summary>
    public static int[] ByteValues(byte[] bytes) => [.. bytes.Select(b => (int)b)];

    /// <summary>The legacy completions API: <c>logprobs</c> is the count of alternatives (0–5), absent for none.</summary>
    public static int? FromCount(JsonElement? logprobs) => Count(logprobs, "logprobs", MaxLegacyAlternatives);

    private static int? Count(JsonElement? value, string field, int max) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var count) && count >= 0 && count <= max => count,
        _ => throw ApiRequestException.Invalid(field, $"{field} must be an integer from 0 to {max}; got {value.Value.GetRawText()}."),
    };
}
