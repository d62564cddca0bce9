namespace Workbench.Core.Library;

/// <summary>
/// Where the usual local model stores live. Locations follow each tool's documented defaults and overrides:
/// <list type="bullet">
/// <item>Hugging Face hub cache: <c>HF_HUB_CACHE</c>, else <c>HUGGINGFACE_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
/// <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>;</item>
/// <item>Ollama: <c>OLLAMA_MODELS</c>, else <c>~/.ollama/models</c>, plus the Linux service's <c>/usr/share/ollama/.ollama/models</c>;</item>
/// <item>LM Studio: <c>~/.lmstudio/models</c> and the older <c>~/.cache/lm-studio/models</c>;</item>
/// <item>text-generation-webui: <c>~/text-generation-webui/models</c>.</item>
/// </list>
/// </summary>
public static class KnownModelStores
{
    /// <summary>Ollama's models folder when it runs as the Linux system service.</summary>
    public const string OllamaServiceModels = "/usr/share/ollama/.ollama/models";

    /// <summary>Every location where a store may be, whether or not it exists.</summary>
    public static IReadOnlyList<ModelStoreRoot> Locations(ModelStoreEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment.HomeDirectory;
        string? Variable(string name) => environment.GetVariable(name) is { } v ? ExpandHome(v, home) : null;

        var hubCache = Variable("HF_HUB_CACHE")
            ?? Variable("HUGGINGFACE_HUB_CACHE")
            ?? (Variable("HF_HOME") is { } hfHome ? Path.Combine(hfHome, "hub") : null)
            ?? Path.Combine(Variable("XDG_CACHE_HOME") ?? Path.Combine(home, ".cache"), "huggingface", "hub");

        var locations = new List<ModelStoreRoot>
        {
            new(hubCache, ModelSource.HuggingFaceCache),
            new(Variable("OLLAMA_MODELS") ?? Path.Combine(home, ".ollama", "models"), ModelSource.Ollama),
        };
        if (!OperatingSystem.IsWindows())
        {
            locations.Add(new(OllamaServiceModels, ModelSource.Ollama));
        }

        locations.Add(new(Path.Combine(home, ".lmstudio", "models"), ModelSource.LmStudio));
        locations.Add(new(Path.Combine(home, ".cache", "lm-studio", "models"), ModelSource.LmStudio));
        locations.Add(new(Path.Combine(home, "text-generation-webui", "models"), ModelSource.TextGenerationWebUi));

        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        return locations
            .Select(l => l with { Path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(l.Path)) })
            .DistinctBy(l => l.Path, comparer)
            .ToList();
    }

    /// <summary>The store locations that exist.</summary>
    public static IReadOnlyList<ModelStoreRoot> Discover(ModelStoreEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Locations(environment).Where(l => environment.DirectoryExists(l.Path)).ToList();
    }

    /// <summary>"~" or "~/x" as Python's expanduser reads it (the tools that define these variables are Python or shell).</summary>
    private static string ExpandHome(string value, string home)
    {
        if (value == "~")
        {
            return home;
        }

        return value.StartsWith("~/", StringComparison.Ordinal) || value.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(home, value[2..])
            : value;
    }
}
