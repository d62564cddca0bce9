using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>Turns a saved conversation into a file a user can keep or share.</summary>
public static class ConversationExporter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NewLine = "\n",
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The names accepted for <see cref="ConversationExportFormat"/>, lower case.</summary>
    public static IReadOnlyList<string> FormatNames { get; } =
        [.. Enum.GetNames<ConversationExportFormat>().Select(n => n.ToLowerInvariant())];

    /// <summary>Reads a format name (any case); false for anything else.</summary>
    public static bool TryParseFormat(string? name, out ConversationExportFormat format)
    {
        format = default;
        return name is not null
            && FormatNames.Contains(name.ToLowerInvariant())
            && Enum.TryParse(name, ignoreCase: true, out format);
    }

    /// <summary>The file's content in <paramref name="format"/>.</summary>
    public static string Export(ConversationTranscript transcript, ConversationExportFormat format) => format switch
    {
        ConversationExportFormat.Markdown => ToMarkdown(transcript),
        ConversationExportFormat.Json => ToJson(transcript),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>A file name for the export: the title reduced to safe characters, and the format's extension.</summary>
    public static string FileName(Conversation conversation, ConversationExportFormat format)
    {
        var safe = new StringBuilder();
        foreach (var c in conversation.Title)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        var stem = string.Join('-', safe.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (stem.Length > 60)
        {
            stem = stem[..60].TrimEnd('-');
        }

        return (stem.Length == 0 ? "conversation" : stem) + (format == ConversationExportFormat.Json ? ".json" : ".md");
    }

    /// <summary>Title, settings, system prompt, then each message under its role; unfinished answers are marked.</summary>
    public static string ToMarkdown(ConversationTranscript transcript)
    {
        var conversation = transcript.Conversation;
        var settings = conversation.Settings;
        var sampling = settings.Sampling;
        var text = new StringBuilder();
        text.Append("# ").Append(conversation.Title).Append("\n\n");
        text.Append("- Created: ").Append(Timestamp(conversation.CreatedAt)).Append('\n');
        text.Append("- Updated: ").Append(Timestamp(conversation.UpdatedAt)).Append('\n');
        if (settings.ModelPath is { } model)
        {
            text.Append("- Model: ").Append(Path.GetFileName(model)).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture,
            $"- Sampling: temperature {sampling.Temperature}, top-p {sampling.TopP}, top-k {sampling.TopK}, min-p {sampling.MinP}, repeat penalty {sampling.RepeatPenalty}, max tokens {sampling.MaxTokens}, seed {sampling.Seed}\n");
        if (settings.SystemPrompt.Length > 0)
        {
            text.Append("\n## System\n\n").Append(settings.SystemPrompt.TrimEnd()).Append('\n');
        }

        foreach (var message in transcript.Messages)
        {
            text.Append("\n## ").Append(RoleHeading(message.Role)).Append("\n\n");
            if (message.Content.Length > 0)
            {
                text.Append(message.Content.TrimEnd()).Append('\n');
            }

            if (message.Incomplete)
            {
                if (message.Content.Length > 0)
                {
                    text.Append('\n');
                }

                text.Append('_').Append(IncompleteNote(message.Completion)).Append("_\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Everything stored, indented, property names in camelCase and enums by name.</summary>
    public static string ToJson(ConversationTranscript transcript)
    {
        var conversation = transcript.Conversation;
        var export = new JsonExport(
            conversation.Id,
            conversation.Title,
            conversation.CreatedAt,
            conversation.UpdatedAt,
            conversation.Settings.ModelPath,
            conversation.Settings.SystemPrompt,
            conversation.Settings.Sampling,
            [.. transcript.Messages.Select(m => new JsonMessage(m.Role, m.Content, m.Incomplete, m.Completion))]);
        return JsonSerializer.Serialize(export, Json) + "\n";
    }

    private static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string RoleHeading(string role) =>
        role.Length == 0 ? role : char.ToUpperInvariant(role[0]) + role[1..];

    private static string IncompleteNote(GenerationCompletion? completion) => completion?.Outcome switch
    {
        GenerationOutcome.Cancelled => "Stopped before the end.",
        GenerationOutcome.Failed => $"Failed: {completion.Error}",
        GenerationOutcome.Completed when completion.StoppedAtContextEnd => "Cut off: the context window was full.",
        _ => "Interrupted before the end.",
    };

    private sealed record JsonExport(
        Guid Id,
        string Title,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        string? ModelPath,
        string SystemPrompt,
        SamplingSettings Sampling,
        IReadOnlyList<JsonMessage> Messages);

    private sealed record JsonMessage(string Role, string Content, bool Incomplete, GenerationCompletion? Completion);
}
