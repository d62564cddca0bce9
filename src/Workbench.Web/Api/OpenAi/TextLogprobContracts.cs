using Workbench.Core.Protocol;

namespace Workbench.Web.Api.OpenAi;

/// <summary>
/// The <c>logprobs</c> of a legacy text completion: parallel lists, one entry per generated token, and each token's
/// offset in the choice's text (an echoed prompt included).
/// </summary>
public sealed record TextLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<double> TokenLogprobs,
    IReadOnlyList<Dictionary<string, double>> TopLogprobs,
    IReadOnlyList<int> TextOffset)
{
    /// <summary>
    /// OpenAI's shape of <paramref name="tokens"/>, the first starting at <paramref name="offset"/>, which moves past
    /// them; null when none were asked for.
    /// </summary>
    public static TextLogprobs? From(IReadOnlyList<TokenLogprob>? tokens, ref int offset)
    {
        if (tokens is null)
        {
            return null;
        }

        var offsets = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            offsets[i] = offset;
            offset += tokens[i].Token.Length;
        }

        return new(
            [.. tokens.Select(t => t.Token)],
            [.. tokens.Select(t => t.Logprob)],
            [.. tokens.Select(Alternatives)],
            offsets);
    }

    // Keyed by text, as OpenAI's: two tokens with the same text keep the likelier (listed first).
    private static Dictionary<string, double> Alternatives(TokenLogprob token)
    {
        var alternatives = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var alternative in token.Top)
        {
            alternatives.TryAdd(alternative.Token, alternative.Logprob);
        }

        return alternatives;
    }
}
