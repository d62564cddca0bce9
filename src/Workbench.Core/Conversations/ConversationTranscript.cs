namespace Workbench.Core.Conversations;

/// <summary>A conversation with its messages, oldest first.</summary>
/// <param name="Conversation">Title, times and settings.</param>
/// <param name="Messages">The messages in order of position.</param>
public sealed record ConversationTranscript(Conversation Conversation, IReadOnlyList<ConversationMessage> Messages);
