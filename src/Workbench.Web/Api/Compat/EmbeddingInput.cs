using System.Text.Json;

namespace Workbench.Web.Api.Compat;

/// <summary>The texts of an embedding request: one string, or an array of strings, as OpenAI and Ollama accept.</summary>
internal static class EmbeddingInput
{
    /// <summary>Most texts in one request (OpenAI's limit).</summary>
    public const int MaxInputs = 2048;

    /// <summary>The texts in <paramref name="input"/>; refusals name the field <paramref name="field"/>.</summary>
    public static IReadOnlyList<string> Texts(JsonElement? input, string field)
    {
        if (input is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw ApiRequestException.Invalid(field, $"'{field}' is required: a string or an array of strings.");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiRequestException.Invalid(field, $"'{field}' must be a string or an array of strings.");
        }

        var texts = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ApiRequestException.Invalid(field, $"'{field}' must hold strings; token arrays are not accepted here.");
            }

            texts.Add(item.GetString()!);
        }

        return texts.Count switch
        {
            0 => throw ApiRequestException.Invalid(field, $"'{field}' must hold at least one string."),
            > MaxInputs => throw ApiRequestException.Invalid(field, $"'{field}' may hold at most {MaxInputs} strings; got {texts.Count}."),
            _ => texts,
        };
    }
}
