using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Web.Chat;

/// <summary>
/// A small, self-hosted syntax highlighter for code blocks in chat answers: comments, strings, numbers and keywords
/// of the common languages get a class (<c>tok-c</c>, <c>tok-s</c>, <c>tok-n</c>, <c>tok-k</c>). Every piece of the
/// code is HTML-encoded; only the span tags are ours. Good enough to read, not a parser.
/// </summary>
public static partial class CodeHighlighter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        // C-family, C#, Java, JavaScript/TypeScript, Go, Rust
        "abstract", "as", "async", "await", "bool", "break", "case", "catch", "char", "class", "const", "continue", "default",
        "delegate", "do", "double", "else", "enum", "export", "extends", "false", "final", "finally", "float", "fn", "for",
        "foreach", "func", "function", "go", "if", "impl", "implements", "import", "in", "int", "interface", "internal", "is",
        "let", "long", "match", "mut", "namespace", "new", "null", "nullptr", "object", "out", "override", "package", "private",
        "protected", "pub", "public", "readonly", "record", "ref", "return", "sealed", "static", "string", "struct", "super",
        "switch", "this", "throw", "throws", "true", "try", "type", "typeof", "uint", "using", "var", "virtual", "void",
        "volatile", "where", "while", "yield", "undefined",
        // Python, shell, SQL (upper-case SQL is matched case-insensitively below)
        "and", "def", "del", "elif", "except", "from", "global", "lambda", "None", "nonlocal", "not", "or", "pass", "raise",
        "self", "True", "False", "with", "then", "fi", "esac", "done", "echo", "export", "local",
    };

    private static readonly HashSet<string> SqlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "insert", "into", "values", "update", "set", "delete", "create", "table", "join", "left",
        "right", "inner", "outer", "on", "group", "by", "order", "having", "limit", "and", "or", "not", "null", "as", "distinct",
    };

    [GeneratedRegex("""(?<c>//[^\n]*|/\*[\s\S]*?(?:\*/|$)|(?<![\w$])#[^\n]*|--[^\n]*)|(?<s>"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\.|[^`\\])*`?)|(?<n>\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b|\b0x[0-9a-fA-F]+\b)|(?<w>[A-Za-z_][A-Za-z0-9_]*)""")]
    private static partial Regex Tokens();

    /// <summary>HTML for <paramref name="code"/> written in <paramref name="language"/> (a fence's info string; may be empty).</summary>
    public static string ToHtml(string code, string? language)
    {
        ArgumentNullException.ThrowIfNull(code);
        var lang = (language ?? string.Empty).Trim().ToLowerInvariant();
        if (lang is "text" or "txt" or "plain" or "output" or "log")
        {
            return WebUtility.HtmlEncode(code);
        }

        var hashComments = lang is "" or "python" or "py" or "bash" or "sh" or "shell" or "zsh" or "yaml" or "yml" or "toml" or "ruby" or "rb" or "perl" or "r" or "dockerfile" or "makefile" or "ini";
        var dashComments = lang is "sql" or "lua" or "haskell" or "hs";
        var sql = lang is "sql";
        var html = new StringBuilder(code.Length * 2);
        var last = 0;
        foreach (Match token in Tokens().Matches(code))
        {
            string? css = null;
            if (token.Groups["c"].Success)
            {
                var text = token.Value;
                css = text.StartsWith('#') ? (hashComments ? "tok-c" : null) : text.StartsWith("--", StringComparison.Ordinal) ? (dashComments ? "tok-c" : null) : "tok-c";
                if (css is null)
                {
                    // Not a comment in this language (e.g. C#'s #region, a decrement): leave the text plain.
                    continue;
                }
            }
            else if (token.Groups["s"].Success)
            {
                css = "tok-s";
            }
            else if (token.Groups["n"].Success)
            {
                css = "tok-n";
            }
            else if (Keywords.Contains(token.Value) || (sql && SqlKeywords.Contains(token.Value)))
            {
                css = "tok-k";
            }

            if (css is null)
            {
                continue;
            }

            html.Append(WebUtility.HtmlEncode(code[last..token.Index]));
            html.Append("<span class=\"").Append(css).Append("\">").Append(WebUtility.HtmlEncode(token.Value)).Append("</span>");
            last = token.Index + token.Length;
        }

        html.Append(WebUtility.HtmlEncode(code[last..]));
        return html.ToString();
    }
}
