using System.Text.Json;
using Workbench.Core.Formats;

namespace Workbench.Core.Library;

/// <summary>
/// A Hugging Face model's chat template: <c>chat_template.jinja</c> (newer transformers), <c>chat_template.json</c>,
/// or <c>tokenizer_config.json</c>'s <c>chat_template</c> (a string, or a list of named templates: "default" or the first).
/// The template is a convenience: a side file that cannot be read yields no template rather than an error.
/// </summary>
internal static class ChatTemplateFiles
{
    public static string? Read(string folder)
    {
        var jinja = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(jinja) && new FileInfo(jinja).Length <= JsonFiles.MaxSideFileBytes)
        {
            return File.ReadAllText(jinja);
        }

        return FromJson(Path.Combine(folder, "chat_template.json")) ?? FromJson(Path.Combine(folder, "tokenizer_config.json"));
    }

    private static string? FromJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonFiles.ReadObject(path);
            if (!JsonFiles.TryGet(document.RootElement, "chat_template", out var template))
            {
                return null;
            }

            if (template.ValueKind == JsonValueKind.String)
            {
                return template.GetString();
            }

            if (template.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var named = template.EnumerateArray()
                .Where(t => JsonFiles.GetString(t, "template") is not null)
                .Select(t => (Name: JsonFiles.GetString(t, "name"), Template: JsonFiles.GetString(t, "template")!))
                .ToList();
            return named.FirstOrDefault(t => t.Name == "default").Template ?? named.FirstOrDefault().Template;
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }
}
