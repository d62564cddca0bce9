using System.Text.Json.Serialization;
using Workbench.Core.Protocol;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.OpenAi;

/// <summary>The <c>logprobs</c> of a chat choice: one entry per generated token.</summary>
public sealed record ChatLogprobs(
    IReadOnlyList<ChatTokenLogprob> Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<ChatTokenLogprob>? Refusal = null)
{
    /// <summary>OpenAI's shape of <paramref name="tokens"/>; null when none were asked for.</summary>
    public static ChatLogprobs? From(IReadOnlyList<TokenLogprob>? tokens) =>
        tokens is null ? null : new([.. tokens.Select(ChatTokenLogprob.From)]);
}

/// <summary>A generated token, its log-probability, its UTF-8 bytes and the most likely tokens at its position.</summary>
public sealed record ChatTokenLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs)
{
    /// <summary>OpenAI's shape of <paramref name="token"/>.</summary>
    public static ChatTokenLogprob From(TokenLogprob token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(
            token.Token,
            token.Logprob,
            ApiLogprobs.ByteValues(token.Bytes),
            [.. token.Top.Select(t => new ChatTopLogprob(t.Token, t.Logprob, ApiLogprobs.ByteValues(t.Bytes)))]);
    }
}

/// <summary>One of the most likely tokens at a position.</summary>
public sealed record ChatTopLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes);
