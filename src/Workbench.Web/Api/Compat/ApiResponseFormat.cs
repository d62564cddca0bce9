using System.Text.Json;
using Workbench.Core.Generation;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Structured output: OpenAI's <c>response_format</c> and Ollama's <c>format</c> as the grammar the worker samples
/// with, so the answer is JSON (and follows the schema) even from a model that would not write it by itself.
/// </summary>
internal static class ApiResponseFormat
{
    /// <summary>The grammar for OpenAI's <c>response_format</c>; null for plain text.</summary>
    public static string? FromOpenAi(JsonElement? responseFormat)
    {
        if (responseFormat is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } format)
        {
            return null;
        }

        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return null;
            case "json_object":
                return JsonSchemaGrammar.AnyObject;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var described) || described.ValueKind != JsonValueKind.Object
                    || !described.TryGetProperty("schema", out var schema))
                {
                    throw ApiRequestException.Invalid("response_format.json_schema.schema", "response_format of type 'json_schema' needs json_schema.schema, the JSON Schema the answer must follow.");
                }

                return FromSchema(schema, "response_format.json_schema.schema");
            default:
                throw ApiRequestException.Invalid("response_format.type", $"response_format.type must be 'text', 'json_object' or 'json_schema'; got {(type is null ? "none" : $"'{type}'")}.");
        }
    }

    /// <summary>The grammar for the Responses API's <c>text.format</c>: the schema sits in the format itself.</summary>
    public static string? FromOpenAiTextFormat(JsonElement? text)
    {
        if (text is not { ValueKind: JsonValueKind.Object } settings || !settings.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return type switch
        {
            "text" => null,
            "json_object" => JsonSchemaGrammar.AnyObject,
            "json_schema" when format.TryGetProperty("schema", out var schema) => FromSchema(schema, "text.format.schema"),
            "json_schema" => throw ApiRequestException.Invalid("text.format.schema", "text.format of type 'json_schema' needs schema, the JSON Schema the answer must follow."),
            _ => throw ApiRequestException.Invalid("text.format.type", $"text.format.type must be 'text', 'json_object' or 'json_schema'; got {(type is null ? "none" : $"'{type}'")}."),
        };
    }

    /// <summary>The grammar for Ollama's <c>format</c>: "json" or a JSON Schema; null when absent or empty.</summary>
    public static string? FromOllama(JsonElement? format) => format switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } text when text.GetString() is "" => null,
        { ValueKind: JsonValueKind.String } text when text.GetString() is "json" => JsonSchemaGrammar.AnyObject,
        { ValueKind: JsonValueKind.Object } schema => FromSchema(schema, "format"),
        { } other => throw ApiRequestException.Invalid("format", $"format must be \"json\" or a JSON Schema object; got {other.GetRawText()}."),
    };

    private static string FromSchema(JsonElement schema, string field)
    {
        try
        {
            return JsonSchemaGrammar.FromSchema(schema);
        }
        catch (JsonSchemaNotSupportedException unsupported)
        {
            throw ApiRequestException.Invalid(unsupported.Location.Length == 0 ? field : $"{field}.{unsupported.Location}", unsupported.Message);
        }
    }
}
