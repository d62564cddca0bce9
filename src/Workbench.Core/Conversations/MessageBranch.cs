namespace Workbench.Core.Conversations;

/// <summary>
/// An edit of a user message that is not the one shown, with the conversation as it went on from it
/// (see <see cref="ConversationMessage.OtherBranches"/>).
/// </summary>
/// <param name="Branch">Its number among the edits of that message, the one first sent 0.</param>
/// <param name="Messages">The edited message and every message after it, at their positions; their own branches and versions included.</param>
public sealed record MessageBranch(int Branch, IReadOnlyList<ConversationMessage> Messages)
{
    /// <summary>Equal when the numbers are and the messages are one by one (not as list references).</summary>
    public bool Equals(MessageBranch? other) =>
        other is not null && Branch == other.Branch && Messages.SequenceEqual(other.Messages);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Branch, Messages.Count);
}
