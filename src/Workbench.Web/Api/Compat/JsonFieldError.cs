using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Words for a request body System.Text.Json could not read: the field as the client wrote it (<c>temperature</c>,
/// <c>messages[0].content</c>, not <c>$.temperature</c>) and the kind of value expected, never a .NET type name.
/// </summary>
internal static partial class JsonFieldError
{
    /// <summary>The field at fault, as the client wrote it; null for the body as a whole.</summary>
    public static string? Field(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Path is null or "$" ? null : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path.TrimStart('$');
    }

    /// <summary>A message naming the field and what it should hold.</summary>
    public static string Message(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var field = Field(exception);
        var converted = ConvertedTo().Match(exception.Message);
        if (converted.Success)
        {
            return $"{(field is null ? "The request body" : $"The field '{field}'")} has the wrong type: it must be {Expected(converted.Groups["type"].Value)}.";
        }

        // Reader errors (broken JSON) and our converters' own messages: the text without .NET's path and position suffix.
        var text = Suffix().Replace(exception.Message, string.Empty).Trim();
        return field is null ? $"The request body is not valid JSON: {text}" : $"The request body is not valid JSON at '{field}': {text}";
    }

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("String", StringComparison.Ordinal) && !type.Contains("List", StringComparison.Ordinal) => "a string",
        _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.? Path", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"\s*(Path: \S*|LineNumber: \d+ \| BytePositionInLine: \d+\.?)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Suffix();
}
