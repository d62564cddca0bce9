using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary>A generated token in Ollama's <c>logprobs</c>: its log-probability, bytes and the most likely tokens at its position.</summary>
public sealed record OllamaLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<OllamaTokenLogprob>? TopLogprobs)
{
    /// <summary>Ollama's shape of <paramref name="tokens"/>; null when none were asked for.</summary>
    public static IReadOnlyList<OllamaLogprob>? From(IReadOnlyList<TokenLogprob>? tokens) =>
        tokens?.Select(t => new OllamaLogprob(
            t.Token,
            t.Logprob,
            ApiLogprobs.ByteValues(t.Bytes),
            t.Top.Count == 0 ? null : [.. t.Top.Select(a => new OllamaTokenLogprob(a.Token, a.Logprob, ApiLogprobs.ByteValues(a.Bytes)))])).ToList();
}

/// <summary>One of the most likely tokens at a position.</summary>
public sealed record OllamaTokenLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes);
