using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>What a conversation is answered with; kept per conversation.</summary>
/// <param name="SystemPrompt">Sent before the conversation as a system turn; empty for none.</param>
/// <param name="Sampling">Sampling settings for its answers.</param>
/// <param name="ModelPath">The model file it was held with, if any.</param>
/// <param name="FixedSeed">Every answer uses <see cref="SamplingSettings.Seed"/>; otherwise each answer gets a random seed (shown with it).</param>
/// <param name="ContextSize">The context window chosen for it, in tokens; null for the default.</param>
/// <param name="Load">GPU layers, KV cache type and flash attention chosen by hand; null: as planned.</param>
public sealed record ConversationSettings(
    string SystemPrompt, SamplingSettings Sampling, string? ModelPath, bool FixedSeed = false, int? ContextSize = null, LoadOverrides? Load = null)
{
    /// <summary>
    /// Sampling for a new chat: answers run until the model ends them or the context window is full
    /// (the token limit is the highest allowed), each with a random seed.
    /// </summary>
    public static SamplingSettings ChatSampling { get; } = new() { MaxTokens = SamplingLimits.MaxMaxTokens };

    /// <summary>No system prompt, chat sampling, random seeds, no model chosen.</summary>
    public static ConversationSettings Default { get; } = new(string.Empty, ChatSampling, null);
}
