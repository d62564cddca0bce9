namespace Workbench.Core.Library;

/// <summary>
/// What <see cref="KnownModelStores"/> needs to know about the machine: the home folder, environment variables and a
/// way to ask whether a folder exists. Tests build one by hand; the application uses <see cref="FromCurrentProcess"/>.
/// </summary>
public sealed class ModelStoreEnvironment
{
    private readonly IReadOnlyDictionary<string, string?> _variables;
    private readonly Func<string, bool> _directoryExists;

    /// <param name="homeDirectory">The user's home folder.</param>
    /// <param name="variables">Environment variables (only the ones that matter need be given).</param>
    /// <param name="directoryExists">Whether a folder exists; defaults to <see cref="Directory.Exists(string)"/>.</param>
    public ModelStoreEnvironment(
        string homeDirectory,
        IReadOnlyDictionary<string, string?>? variables = null,
        Func<string, bool>? directoryExists = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(homeDirectory);
        HomeDirectory = homeDirectory;
        _variables = variables ?? new Dictionary<string, string?>();
        _directoryExists = directoryExists ?? Directory.Exists;
    }

    public string HomeDirectory { get; }

    /// <summary>The environment variables <see cref="KnownModelStores"/> consults.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
        ["HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "OLLAMA_MODELS"];

    /// <summary>The value of a variable, or null when it is unset or blank.</summary>
    public string? GetVariable(string name) =>
        _variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public bool DirectoryExists(string path) => _directoryExists(path);

    /// <summary>The real home folder and environment of this process.</summary>
    public static ModelStoreEnvironment FromCurrentProcess()
    {
        var variables = VariableNames.ToDictionary(n => n, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        return new ModelStoreEnvironment(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), variables);
    }
}
