using System.Collections.Concurrent;
using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>
/// Files the worker refused to load, with llama.cpp's reason, so the library can mark them instead of offering a
/// chat that will fail again. A record lasts until the file loads, the file changes (a rescan gives it a new
/// fingerprint) or the owner retries it; it is kept in memory, so a restart of the dashboard forgets it.
/// </summary>
public sealed class ModelLoadFailures(LibraryIndex library)
{
    private readonly ConcurrentDictionary<string, ModelLoadFailure> _failures = new(StringComparer.Ordinal);

    /// <summary>Raised when a record is added or cleared.</summary>
    public event Action? Changed;

    /// <summary>Records that <paramref name="modelPath"/> did not load, and why (the worker's words).</summary>
    public void Record(string modelPath, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(reason);
        _failures[modelPath] = new ModelLoadFailure(reason, library.FindByPath(modelPath)?.Fingerprint);
        Changed?.Invoke();
    }

    /// <summary>The file loaded, or the owner wants to try again: its record goes.</summary>
    public void Clear(string modelPath)
    {
        if (_failures.TryRemove(modelPath, out _))
        {
            Changed?.Invoke();
        }
    }

    /// <summary>Why <paramref name="modelPath"/> did not load last time; null when it did not fail or the file changed since.</summary>
    public ModelLoadFailure? For(string modelPath) =>
        _failures.TryGetValue(modelPath, out var failure)
        && (failure.Fingerprint is null || library.FindByPath(modelPath)?.Fingerprint is not { } now || now == failure.Fingerprint)
            ? failure
            : null;
}

/// <summary>Why a file did not load.</summary>
/// <param name="Reason">The worker's (llama.cpp's) words.</param>
/// <param name="Fingerprint">The library's fingerprint of the file (size and time) when it failed; a changed file is tried afresh.</param>
public sealed record ModelLoadFailure(string Reason, string? Fingerprint)
{
    /// <summary>The reason with what to do about it, as chat says it.</summary>
    public string Explained => LoadFailureAdvice.Explain(Reason);
}
