namespace Workbench.Core.Conversations;

/// <summary>File formats a conversation can be exported to.</summary>
public enum ConversationExportFormat
{
    /// <summary>A readable document: title, settings, then each message under its role.</summary>
    Markdown,

    /// <summary>Everything that is stored, for scripts.</summary>
    Json,
}
