using System.Text;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Web.Chat;

/// <summary>A message shown in the chat; an assistant message grows while it streams.</summary>
public sealed class ChatMessage(string role, string text = "")
{
    private readonly StringBuilder _text = new(text);

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

    /// <summary>A message as it was saved.</summary>
    public static ChatMessage Restore(ConversationMessage saved)
    {
        var message = new ChatMessage(saved.Role, saved.Content)
        {
            Completion = saved.Completion,
            TokenCount = saved.Completion?.GeneratedTokens ?? 0,
        };
        message._interrupted = saved.Role == "assistant" && saved.Completion is null;
        return message;
    }

    /// <summary>The message as it is saved at <paramref name="position"/>.</summary>
    public ConversationMessage ToSaved(int position) =>
        new(position, Role, Text, Completion, Role == "assistant" && IsUnfinished(Completion));

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
}
