using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>One saved message of a conversation.</summary>
/// <param name="Position">0-based place in the conversation.</param>
/// <param name="Role">"user" or "assistant".</param>
/// <param name="Content">The text (for an answer cut short, what was produced).</param>
/// <param name="Completion">How the answer ended; null for user messages and for answers that never reported an end.</param>
/// <param name="Incomplete">The answer did not finish: it was stopped, failed, or was still streaming when last saved.</param>
public sealed record ConversationMessage(int Position, string Role, string Content, GenerationCompletion? Completion, bool Incomplete);
