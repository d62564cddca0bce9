using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Workbench.Web.Hosting;

/// <summary>Settings of the dashboard (configuration section <c>Workbench</c>).</summary>
public sealed class WorkbenchOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench";

    /// <summary>
    /// The one folder everything the app writes goes to: SQLite, keys, generated models, logs.
    /// Defaults to <c>Workbench</c> under the user's local application-data folder.
    /// </summary>
    [Required(ErrorMessage = "Workbench:DataDirectory must name a folder the app can write to.")]
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Folders that hold the user's models.</summary>
    public IList<string> ModelRoots { get; } = [];

    /// <summary>Generate a small random-weights model on first run when no model root has a model, so chat works with no download.</summary>
    public bool GenerateDemoModel { get; set; } = true;

    /// <summary>Also list the models of Hugging Face's cache, LM Studio, Ollama and text-generation-webui (read-only).</summary>
    public bool DiscoverKnownStores { get; set; } = true;

    /// <summary>
    /// How long a loaded model may sit idle before it is unloaded, so the GPU is free for games and
    /// other apps again; zero keeps it loaded until told otherwise.
    /// </summary>
    public TimeSpan ModelKeepAlive { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Folder of models the app generated itself.</summary>
    public string GeneratedModelsDirectory => Path.Combine(DataDirectory, "models");

    /// <summary>Folder of log files.</summary>
    public string LogsDirectory => Path.Combine(DataDirectory, "logs");

    private static string DefaultDataDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "Workbench");
    }
}

/// <summary>Checks <see cref="WorkbenchOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class WorkbenchOptionsValidator : IValidateOptions<WorkbenchOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkbenchOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Workbench:DataDirectory must name a folder the app can write to.");
        }
        else if (!Path.IsPathFullyQualified(options.DataDirectory))
        {
            failures.Add($"Workbench:DataDirectory must be an absolute path; got '{options.DataDirectory}'.");
        }

        if (options.ModelKeepAlive < TimeSpan.Zero)
        {
            failures.Add($"Workbench:ModelKeepAlive must be zero (never unload) or a positive time such as 00:15:00; got '{options.ModelKeepAlive}'.");
        }

        for (var i = 0; i < options.ModelRoots.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ModelRoots[i]) || !Path.IsPathFullyQualified(options.ModelRoots[i]))
            {
                failures.Add($"Workbench:ModelRoots:{i} must be an absolute folder path; got '{options.ModelRoots[i]}'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
