using System.Text;
using Workbench.Core.Protocol;

namespace Workbench.Web.Chat;

/// <summary>A message shown in the chat; an assistant message grows while it streams.</summary>
public sealed class ChatMessage(string role, string text = "")
{
    private readonly StringBuilder _text = new(text);

    /// <summary>"user", "assistant" or "system".</summary>
    public string Role { get; } = role;

    /// <summary>Text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>True while tokens are still arriving.</summary>
    public bool IsStreaming => Role == "assistant" && Completion is null;

    /// <summary>How the generation ended (assistant messages only).</summary>
    public GenerationCompletion? Completion { get; private set; }

    /// <summary>Tokens received so far.</summary>
    public int TokenCount { get; private set; }

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
