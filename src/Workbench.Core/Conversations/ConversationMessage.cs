using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>One saved message of a conversation.</summary>
/// <param name="Position">0-based place in the conversation.</param>
/// <param name="Role">"user" or "assistant".</param>
/// <param name="Content">The text (for an answer cut short, what was produced).</param>
/// <param name="Completion">How the answer ended; null for user messages and for answers that never reported an end.</param>
/// <param name="Incomplete">The answer did not finish: it was stopped, failed, or was still streaming when last saved.</param>
public sealed record ConversationMessage(int Position, string Role, string Content, GenerationCompletion? Completion, bool Incomplete)
{
    /// <summary>Which answer to the same question this is: 0 for the first, one more for each regeneration.</summary>
    public int Version { get; init; }

    /// <summary>The other answers to the same question (earlier or later versions), oldest first; kept so the user can page back.</summary>
    public IReadOnlyList<AnswerVersion> OtherVersions { get; init; } = [];

    /// <summary>Which edit of the user message at this place this is: 0 for the one first sent, one more for each edit.</summary>
    public int Branch { get; init; }

    /// <summary>
    /// The other edits of this user message, each with the conversation as it went on from there, oldest first;
    /// editing a message starts a new branch and keeps the earlier one reachable.
    /// </summary>
    public IReadOnlyList<MessageBranch> OtherBranches { get; init; } = [];

    /// <summary>Equal when every field is, the other versions and branches compared one by one (not as list references).</summary>
    public bool Equals(ConversationMessage? other) =>
        other is not null
        && Position == other.Position && Role == other.Role && Content == other.Content && Equals(Completion, other.Completion)
        && Incomplete == other.Incomplete && Version == other.Version && OtherVersions.SequenceEqual(other.OtherVersions)
        && Branch == other.Branch && OtherBranches.SequenceEqual(other.OtherBranches);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Position, Role, Content, Completion, Incomplete, Version, HashCode.Combine(OtherVersions.Count, Branch, OtherBranches.Count));
}

/// <summary>An answer to the same question that is not the one shown (see <see cref="ConversationMessage.OtherVersions"/>).</summary>
/// <param name="Version">Its number among the answers to that question, oldest 0.</param>
/// <param name="Content">Its text.</param>
/// <param name="Completion">How it ended; null when it never reported an end.</param>
public sealed record AnswerVersion(int Version, string Content, GenerationCompletion? Completion);
