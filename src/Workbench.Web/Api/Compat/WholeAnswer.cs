using System.Text;
using Workbench.Core.Protocol;

namespace Workbench.Web.Api.Compat;

/// <summary>An API answer gathered in full, for clients that asked for it whole rather than streamed.</summary>
/// <param name="Text">Everything the answer said.</param>
/// <param name="Result">How it ended; every answer stream ends with one.</param>
internal sealed record WholeAnswer(string Text, ApiGenerationResult Result)
{
    /// <summary>Each generated token with its log-probability, when the request asked for them.</summary>
    public IReadOnlyList<TokenLogprob>? Logprobs { get; init; }

    /// <summary>Reads <paramref name="updates"/> to the end; <paramref name="prefix"/> (an echoed prompt) comes first.</summary>
    public static async Task<WholeAnswer> ReadAsync(IAsyncEnumerable<ApiGenerationUpdate> updates, string prefix = "")
    {
        var text = new StringBuilder(prefix);
        ApiGenerationResult? result = null;
        List<TokenLogprob>? logprobs = null;
        await foreach (var update in updates)
        {
            text.Append(update.Text);
            result = update.Result ?? result;
            if (update.Logprobs is { } more)
            {
                (logprobs ??= []).AddRange(more);
            }
        }

        return new WholeAnswer(text.ToString(), result!) { Logprobs = logprobs };
    }
}
