using Microsoft.Extensions.Options;

namespace Workbench.Web.Workers;

/// <summary>How workers share their models among users (configuration section <c>Workbench:Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Runtime";

    /// <summary>Most sequences one model may decode at once.</summary>
    public const int MaxSequences = 64;

    /// <summary>
    /// Answers one loaded model generates at once (continuous batching). Unset: 4, llama-server's default, lowered
    /// to 2 or 1 when the estimator says the windows of 4 do not fit the worker's memory. Each sequence gets the full
    /// context window, so the KV cache is this many windows.
    /// </summary>
    public int? ParallelSequences { get; set; }

    /// <summary>Most models a worker holds at once; unset: as many as fit the memory budget.</summary>
    public int? MaxLoadedModels { get; set; }

    /// <summary>
    /// Memory, in MiB, the resident models of a worker may take together; unset: its GPUs' total VRAM on a GPU
    /// backend, else its RAM less 2 GiB for the system.
    /// </summary>
    public long? MemoryBudgetMiB { get; set; }

    /// <summary>CPU threads llama.cpp decodes with on the local worker; unset: one per physical core.</summary>
    public int? Threads { get; set; }

    /// <summary>CPU threads for prompt processing on the local worker; unset: as many as <see cref="Threads"/>.</summary>
    public int? BatchThreads { get; set; }

    /// <summary>Requests one client (an API key or a chat page) may have waiting or running at once; more are answered 429.</summary>
    public int MaxQueuedPerClient { get; set; } = 32;
}

/// <summary>Checks <see cref="RuntimeOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class RuntimeOptionsValidator : IValidateOptions<RuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RuntimeOptions options)
    {
        var failures = new List<string>();
        if (options.ParallelSequences is < 1 or > RuntimeOptions.MaxSequences)
        {
            failures.Add($"{RuntimeOptions.Section}:ParallelSequences must be between 1 and {RuntimeOptions.MaxSequences}; got {options.ParallelSequences}.");
        }

        if (options.MaxLoadedModels is < 1 or > 64)
        {
            failures.Add($"{RuntimeOptions.Section}:MaxLoadedModels must be between 1 and 64; got {options.MaxLoadedModels}.");
        }

        if (options.MemoryBudgetMiB is < 1)
        {
            failures.Add($"{RuntimeOptions.Section}:MemoryBudgetMiB must be at least 1; got {options.MemoryBudgetMiB}.");
        }

        if (options.Threads is < 1 or > 1024)
        {
            failures.Add($"{RuntimeOptions.Section}:Threads must be between 1 and 1024; got {options.Threads}.");
        }

        if (options.BatchThreads is < 1 or > 1024)
        {
            failures.Add($"{RuntimeOptions.Section}:BatchThreads must be between 1 and 1024; got {options.BatchThreads}.");
        }

        if (options.MaxQueuedPerClient is < 1 or > 10_000)
        {
            failures.Add($"{RuntimeOptions.Section}:MaxQueuedPerClient must be between 1 and 10000; got {options.MaxQueuedPerClient}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
