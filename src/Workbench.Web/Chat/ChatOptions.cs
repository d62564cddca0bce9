namespace Workbench.Web.Chat;

/// <summary>Chat defaults (section <c>Workbench:Chat</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Workbench:Chat";

    /// <summary>
    /// Token limit of a new conversation's answers; unset (the default) lets answers run until the model ends them or
    /// the context window is full. The browser tests set a small one so answers of the random demo model end quickly.
    /// </summary>
    public int? DefaultMaxTokens { get; set; }
}
