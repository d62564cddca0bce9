using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c>: a number of seconds or a Go duration ("5m", "1h30m", "10s", "0", "-1"); 0 unloads the
/// model once the request ends, a negative value keeps it loaded until told otherwise.
/// </summary>
internal static partial class OllamaKeepAlive
{
    /// <summary>The duration, or null when the request did not say.</summary>
    public static TimeSpan? Parse(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var seconds) && double.IsFinite(seconds))
        {
            return seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
        }

        if (element.ValueKind == JsonValueKind.String && ParseDuration(element.GetString()!) is { } duration)
        {
            return duration;
        }

        throw ApiRequestException.Invalid("keep_alive", $"keep_alive must be a number of seconds or a duration such as \"5m\" or \"-1\"; got {element.GetRawText()}.");
    }

    private static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return plain < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Min(plain, TimeSpan.MaxValue.TotalSeconds / 2));
        }

        var match = Duration().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var total = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = Unit().Match(part.Value);
            var amount = double.Parse(unit.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += amount * unit.Groups["u"].Value switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 0.001,
                _ => 0,
            };
        }

        return match.Groups["sign"].Value == "-" ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Min(total, TimeSpan.MaxValue.TotalSeconds / 2));
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?<part>\d+(\.\d+)?(ms|h|m|s))+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>ms|h|m|s)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Unit();
}
