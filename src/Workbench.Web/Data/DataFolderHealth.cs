using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Data;

/// <summary>What the app writes to the data folder, named by what stops when it fails.</summary>
public enum DataFolderWriter
{
    /// <summary>Chat conversations in SQLite.</summary>
    Conversations,

    /// <summary>The worker's log file.</summary>
    Logs,
}

/// <summary>
/// Whether writes to the data folder are failing (disk full, read-only), for the Overview page. Every write path
/// reports its failures and successes here; a write that succeeds again (space was freed) clears its problem.
/// </summary>
public sealed class DataFolderHealth(IOptions<WorkbenchOptions> options)
{
    private readonly ConcurrentDictionary<DataFolderWriter, string> _problems = new();

    /// <summary>Raised when a problem appears or clears.</summary>
    public event Action? Changed;

    /// <summary>One sentence per failing writer, e.g. "The data folder /x is full — chats are not being saved."</summary>
    public IReadOnlyList<string> Problems => [.. _problems.OrderBy(p => p.Key).Select(p => p.Value)];

    /// <summary>Records that <paramref name="writer"/> failed with <paramref name="exception"/>.</summary>
    public void Failed(DataFolderWriter writer, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var problem = $"The data folder {options.Value.DataDirectory} {DiskFault.Describe(exception)} — {Consequence(writer)}.";
        if (_problems.TryGetValue(writer, out var known) && known == problem)
        {
            return;
        }

        _problems[writer] = problem;
        Changed?.Invoke();
    }

    /// <summary>Records that <paramref name="writer"/> wrote successfully, clearing its problem.</summary>
    public void Succeeded(DataFolderWriter writer)
    {
        if (_problems.TryRemove(writer, out _))
        {
            Changed?.Invoke();
        }
    }

    private static string Consequence(DataFolderWriter writer) => writer switch
    {
        DataFolderWriter.Conversations => "chats are not being saved",
        DataFolderWriter.Logs => "the worker's log is not being written",
        _ => "some data is not being saved",
    };
}
