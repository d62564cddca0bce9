namespace Workbench.Core.Conversations;

/// <summary>A saved chat conversation, without its messages.</summary>
/// <param name="Id">Stable id; also the conversation's address in the dashboard.</param>
/// <param name="Title">Shown in the conversation list.</param>
/// <param name="CreatedAt">When it was started.</param>
/// <param name="UpdatedAt">When a message or setting last changed.</param>
/// <param name="Settings">System prompt, sampling settings and model.</param>
public sealed record Conversation(Guid Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ConversationSettings Settings);
