using System.Text;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Web.Chat;

/// <summary>A message shown in the chat; an assistant message grows while it streams and may have several versions.</summary>
public sealed class ChatMessage(string role, string text = "")
{
    private readonly StringBuilder _text = new(text);
    private List<AnswerVersion> _otherVersions = [];
    private List<MessageBranch> _otherBranches = [];

    // A saved answer that never reported its end (the worker or the host went away): not streaming any more.
    private bool _interrupted;

    /// <summary>"user", "assistant" or "system".</summary>
    public string Role { get; } = role;

    /// <summary>Text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>True while tokens are still arriving.</summary>
    public bool IsStreaming => Role == "assistant" && Completion is null && !_interrupted;

    /// <summary>An answer that did not finish: stopped, failed, cut off by the context window, or interrupted.</summary>
    public bool IsIncomplete => Role == "assistant" && !IsStreaming && IsUnfinished(Completion);

    /// <summary>How the generation ended (assistant messages only).</summary>
    public GenerationCompletion? Completion { get; private set; }

    /// <summary>Tokens received so far.</summary>
    public int TokenCount { get; private set; }

    /// <summary>Which answer to its question this is (0 for the first; each regeneration one more).</summary>
    public int Version { get; private set; }

    /// <summary>The other answers to the same question, oldest first.</summary>
    public IReadOnlyList<AnswerVersion> OtherVersions => _otherVersions;

    /// <summary>How many answers to this question there are, this one included.</summary>
    public int VersionCount => _otherVersions.Count + 1;

    /// <summary>This answer's place (1-based) among the answers to its question, oldest first.</summary>
    public int VersionNumber => _otherVersions.Count(v => v.Version < Version) + 1;

    /// <summary>Which edit of this user message this is (0 for the one first sent; each edit one more).</summary>
    public int Branch { get; private set; }

    /// <summary>The other edits of this user message, each with the conversation that followed it, oldest first.</summary>
    public IReadOnlyList<MessageBranch> OtherBranches => _otherBranches;

    /// <summary>How many edits of this message there are, this one included.</summary>
    public int BranchCount => _otherBranches.Count + 1;

    /// <summary>This edit's place (1-based) among the edits of the message, oldest first.</summary>
    public int BranchNumber => _otherBranches.Count(b => b.Branch < Branch) + 1;

    /// <summary>The number a new edit of this message gets.</summary>
    public int NextBranch => _otherBranches.Select(b => b.Branch).Append(Branch).Max() + 1;

    /// <summary>The edit <paramref name="step"/> places away (−1: the older neighbour), or null past either end.</summary>
    public MessageBranch? NeighbourBranch(int step)
    {
        var numbers = _otherBranches.Select(b => b.Branch).Append(Branch).Order().ToList();
        var index = numbers.IndexOf(Branch) + step;
        return index >= 0 && index < numbers.Count && step != 0 ? _otherBranches.Find(b => b.Branch == numbers[index]) : null;
    }

    /// <summary>A message as it was saved.</summary>
    public static ChatMessage Restore(ConversationMessage saved)
    {
        var message = new ChatMessage(saved.Role, saved.Content)
        {
            Completion = saved.Completion,
            TokenCount = saved.Completion?.GeneratedTokens ?? 0,
            Version = saved.Version,
            _otherVersions = [.. saved.OtherVersions.OrderBy(v => v.Version)],
            Branch = saved.Branch,
            _otherBranches = [.. saved.OtherBranches.OrderBy(b => b.Branch)],
        };
        message._interrupted = saved.Role == "assistant" && saved.Completion is null;
        return message;
    }

    /// <summary>The message as it is saved at <paramref name="position"/>.</summary>
    public ConversationMessage ToSaved(int position) =>
        new(position, Role, Text, Completion, Role == "assistant" && IsUnfinished(Completion))
        {
            Version = Version,
            OtherVersions = [.. _otherVersions],
            Branch = Branch,
            OtherBranches = [.. _otherBranches],
        };

    /// <summary>An empty answer to the same question that keeps this one (and its other versions) to page back to.</summary>
    public ChatMessage NextVersion()
    {
        var next = new ChatMessage(Role) { Version = _otherVersions.Select(v => v.Version).Append(Version).Max() + 1 };
        next._otherVersions = [.. _otherVersions, new AnswerVersion(Version, Text, Completion)];
        return next;
    }

    /// <summary>The version <paramref name="step"/> places away (−1: the older neighbour), or null past either end.</summary>
    public AnswerVersion? Neighbour(int step)
    {
        var all = _otherVersions.Append(new AnswerVersion(Version, Text, Completion)).OrderBy(v => v.Version).ToList();
        var index = all.FindIndex(v => v.Version == Version) + step;
        return index >= 0 && index < all.Count && step != 0 ? all[index] : null;
    }

    /// <summary>Shows <paramref name="version"/> (one of <see cref="OtherVersions"/>) in place of this answer, which becomes another version.</summary>
    public void Show(AnswerVersion version)
    {
        if (!_otherVersions.Remove(version))
        {
            return;
        }

        _otherVersions.Add(new AnswerVersion(Version, Text, Completion));
        _otherVersions.Sort((a, b) => a.Version.CompareTo(b.Version));
        _text.Clear().Append(version.Content);
        Completion = version.Completion;
        TokenCount = version.Completion?.GeneratedTokens ?? 0;
        Version = version.Version;
        _interrupted = version.Completion is null;
    }

    /// <summary>An answer without a completion, or one that did not end normally, is unfinished.</summary>
    internal static bool IsUnfinished(GenerationCompletion? completion) =>
        completion is null || completion.Outcome != GenerationOutcome.Completed || completion.StoppedAtContextEnd;

    internal void Append(GenerationChunk chunk)
    {
        _text.Append(chunk.Text);
        TokenCount += chunk.TokenCount;
        if (chunk.Completion is not null)
        {
            Completion = chunk.Completion;
        }
    }

    /// <summary>Notes on the finished answer the token limit and seed it was asked with, so they are shown and saved with it.</summary>
    internal void NoteRequest(SamplingSettings sampling)
    {
        if (Completion is not null)
        {
            Completion = Completion with { TokenLimit = sampling.MaxTokens, Seed = sampling.Seed };
        }
    }
}
