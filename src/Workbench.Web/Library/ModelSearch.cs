using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>The Models page's search: every word must appear in the name, architecture, quant, format, Ollama name or path.</summary>
public static class ModelSearch
{
    /// <summary>True when <paramref name="model"/> matches every word of <paramref name="query"/> (case-insensitive).</summary>
    public static bool Matches(ModelDescriptor model, string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return true;
        }

        string[] haystack = [model.Name, model.Architecture.Name ?? "", model.QuantLabel ?? "", model.Format.ToString(), model.OllamaName ?? "", model.PrimaryPath];
        return query.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .All(word => haystack.Any(field => field.Contains(word, StringComparison.OrdinalIgnoreCase)));
    }
}
