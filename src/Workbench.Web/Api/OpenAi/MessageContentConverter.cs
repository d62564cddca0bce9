using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Web.Api.OpenAi;

/// <summary>
/// Reads a chat message's <c>content</c>: a string, or an array of parts of which only <c>text</c> parts are
/// supported (the worker runs text models); their texts are joined.
/// </summary>
internal sealed class MessageContentConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A message's content must be a string or an array of content parts.");
        }

        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var part = JsonDocument.ParseValue(ref reader);
            var root = part.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is "image_url" or "input_image" or "input_audio" or "file")
            {
                // A valid part this server cannot use: refused as such, not as broken JSON.
                throw new Compat.ApiRequestException(
                    StatusCodes.Status400BadRequest,
                    $"A message has a content part of type '{type}': images, audio and files are not supported, the worker runs text models. Send text parts only.",
                    "messages",
                    "unsupported_content");
            }

            if (type != "text" || !root.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                throw new JsonException($"A content part must be {{\"type\":\"text\",\"text\":\"...\"}}; got a part of type '{type ?? "unknown"}'.");
            }

            text.Append(partText.GetString());
        }

        return text.ToString();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
