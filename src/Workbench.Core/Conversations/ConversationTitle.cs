using System.Text;

namespace Workbench.Core.Conversations;

/// <summary>Rules for conversation titles: derived from the first message, or set by the user within limits.</summary>
public static class ConversationTitle
{
    /// <summary>Longest title a user may set.</summary>
    public const int MaxLength = 200;

    /// <summary>Longest title taken from a first message; longer ones end in an ellipsis.</summary>
    public const int FromMessageLength = 60;

    /// <summary>Title of a conversation whose first message had no usable text.</summary>
    public const string Untitled = "New conversation";

    /// <summary>The first message on one line, cut at a word boundary to at most <see cref="FromMessageLength"/> characters.</summary>
    public static string FromFirstMessage(string message)
    {
        var oneLine = CollapseWhitespace(message);
        if (oneLine.Length == 0)
        {
            return Untitled;
        }

        if (oneLine.Length <= FromMessageLength)
        {
            return oneLine;
        }

        // Leave room for the ellipsis; prefer ending on a whole word unless that loses too much.
        var cut = oneLine[..(FromMessageLength - 1)];
        var lastSpace = cut.LastIndexOf(' ');
        if (lastSpace >= FromMessageLength / 2)
        {
            cut = cut[..lastSpace];
        }

        return cut.TrimEnd() + "…";
    }

    /// <summary>Why <paramref name="title"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return "A title cannot be empty.";
        }

        var trimmed = title.Trim();
        return trimmed.Length > MaxLength
            ? $"A title can be at most {MaxLength} characters; this one has {trimmed.Length}."
            : null;
    }

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 4 * FromMessageLength));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (builder.Length > 2 * FromMessageLength)
            {
                break; // enough to cut a title from
            }
        }

        return builder.ToString();
    }
}
