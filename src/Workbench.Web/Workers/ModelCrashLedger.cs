using System.Collections.Concurrent;

namespace Workbench.Web.Workers;

/// <summary>
/// Which models took the worker down with them. A model that crashed it <see cref="QuarantineAfter"/> times is
/// marked in the library ("crashes llama.cpp: …") and refused to API keys until the owner retries it, so one bad
/// file cannot make the worker restart over and over for everyone. Kept in memory: a restart of the dashboard
/// gives every model a fresh chance.
/// </summary>
public sealed class ModelCrashLedger
{
    /// <summary>Crashes after which a model is refused to API clients.</summary>
    public const int QuarantineAfter = 2;

    private readonly ConcurrentDictionary<string, ModelCrashes> _crashes = new(StringComparer.Ordinal);

    /// <summary>Raised when a model's record changes.</summary>
    public event Action? Changed;

    /// <summary>Records that the worker died while <paramref name="modelPath"/> was loading or loaded.</summary>
    public void RecordCrash(string modelPath, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        _crashes.AddOrUpdate(modelPath, _ => new ModelCrashes(1, reason), (_, known) => new ModelCrashes(known.Count + 1, reason));
        Changed?.Invoke();
    }

    /// <summary>The crash record of <paramref name="modelPath"/>, if it ever crashed the worker.</summary>
    public ModelCrashes? For(string modelPath) => _crashes.TryGetValue(modelPath, out var crashes) ? crashes : null;

    /// <summary>Whether API clients are refused <paramref name="modelPath"/>.</summary>
    public bool IsQuarantined(string modelPath) => For(modelPath)?.Count >= QuarantineAfter;

    /// <summary>The owner asks to try the model again: its record is cleared.</summary>
    public void Retry(string modelPath)
    {
        if (_crashes.TryRemove(modelPath, out _))
        {
            Changed?.Invoke();
        }
    }
}

/// <summary>How often a model crashed the worker and the last reason.</summary>
public sealed record ModelCrashes(int Count, string LastReason)
{
    /// <summary>The library's mark, e.g. "crashes llama.cpp: The worker aborted (exit code 134, SIGABRT)."</summary>
    public string Label => $"crashes llama.cpp: {LastReason}";
}
