using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>What a conversation is answered with; kept per conversation.</summary>
/// <param name="SystemPrompt">Sent before the conversation as a system turn; empty for none.</param>
/// <param name="Sampling">Sampling settings for its answers.</param>
/// <param name="ModelPath">The model file it was held with, if any.</param>
public sealed record ConversationSettings(string SystemPrompt, SamplingSettings Sampling, string? ModelPath)
{
    /// <summary>No system prompt, default sampling, no model chosen.</summary>
    public static ConversationSettings Default { get; } = new(string.Empty, new SamplingSettings(), null);
}
