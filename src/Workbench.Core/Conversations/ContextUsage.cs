using System.Globalization;
using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>How much of the model's context window a conversation used, from its last completion.</summary>
/// <param name="UsedTokens">Prompt and answer tokens of the last generation.</param>
/// <param name="ContextSize">The context window in tokens.</param>
/// <param name="StoppedAtContextEnd">The last answer was cut off because the window was full.</param>
public sealed record ContextUsage(int UsedTokens, int ContextSize, bool StoppedAtContextEnd)
{
    /// <summary>Above this share of the window the next answer risks being cut off.</summary>
    public const double NearlyFullFraction = 0.9;

    /// <summary>Share of the window in use, 0 to 1.</summary>
    public double Fraction => Math.Clamp((double)UsedTokens / ContextSize, 0, 1);

    /// <summary>More than <see cref="NearlyFullFraction"/> of the window is used.</summary>
    public bool IsNearlyFull => Fraction > NearlyFullFraction;

    /// <summary>What the user should know and can do, or null when all is well.</summary>
    public string? Warning =>
        StoppedAtContextEnd
            ? string.Create(CultureInfo.InvariantCulture, $"The answer stopped because the context window ({ContextSize} tokens) is full. Start a new conversation, shorten the system prompt, or load the model with a larger context.")
            : IsNearlyFull
                ? string.Create(CultureInfo.InvariantCulture, $"This conversation uses {Fraction:P0} of the {ContextSize}-token context window; the next answer may be cut off. Start a new conversation to keep going.")
                : null;

    /// <summary>The usage reported by the last completion that knew the context size, or null.</summary>
    public static ContextUsage? FromLast(IEnumerable<GenerationCompletion?> completions)
    {
        var last = completions.LastOrDefault(c => c is { ContextSize: > 0 });
        return last is null ? null : new ContextUsage(last.PromptTokens + last.GeneratedTokens, last.ContextSize, last.StoppedAtContextEnd);
    }
}
