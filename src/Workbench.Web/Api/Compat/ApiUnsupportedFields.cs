using System.Text.Json;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Fields of the real APIs that Workbench does not implement, refused with a 400 naming them rather than accepted and
/// silently ignored (a client asking for log-probabilities would otherwise get null and not know why).
/// </summary>
internal static class ApiUnsupportedFields
{
    /// <summary>
    /// Log-probabilities are not returned: llama.cpp samples through LLamaSharp's pipeline, which does not hand back
    /// the candidates' probabilities per step, and computing them separately would slow every answer in the batch.
    /// </summary>
    public static void NoLogprobs(string field, JsonElement? value)
    {
        if (value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False) } asked
            && !(asked.ValueKind == JsonValueKind.Number && asked.TryGetInt32(out var count) && count == 0))
        {
            throw ApiRequestException.Invalid(field, $"{field} is not supported: Workbench does not return token log-probabilities. Leave it out or set it to false.");
        }
    }
}
