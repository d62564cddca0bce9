using Microsoft.Data.Sqlite;

namespace Workbench.Web.Data;

/// <summary>Why a write to the data folder failed, in the words a user acts on.</summary>
public enum DiskFaultKind
{
    /// <summary>No space (or quota) left.</summary>
    Full,

    /// <summary>The folder or its file system refuses writes.</summary>
    ReadOnly,

    /// <summary>Any other I/O failure.</summary>
    Other,
}

/// <summary>Sorts the exceptions of a failed write (file or SQLite) into <see cref="DiskFaultKind"/>.</summary>
public static class DiskFault
{
    private const int NoSpace = 28;          // ENOSPC
    private const int ReadOnlyFileSystem = 30; // EROFS
    private const int QuotaExceeded = 122;   // EDQUOT
    private const int SqliteReadOnly = 8;
    private const int SqliteFull = 13;

    /// <summary>Whether <paramref name="exception"/> is a failed write to disk rather than a bug.</summary>
    public static bool IsDiskFault(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or SqliteException;

    /// <summary>The kind of fault.</summary>
    public static DiskFaultKind Classify(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } => DiskFaultKind.Full,
        SqliteException { SqliteErrorCode: SqliteReadOnly } => DiskFaultKind.ReadOnly,
        UnauthorizedAccessException => DiskFaultKind.ReadOnly,
        IOException io when (io.HResult & 0xFFFF) is NoSpace or QuotaExceeded || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => DiskFaultKind.Full,
        IOException io when (io.HResult & 0xFFFF) is ReadOnlyFileSystem || io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => DiskFaultKind.ReadOnly,
        _ when exception.InnerException is { } inner => Classify(inner),
        _ => DiskFaultKind.Other,
    };

    /// <summary>"is full", "is read-only" or "cannot be written (reason)".</summary>
    public static string Describe(Exception exception) => Classify(exception) switch
    {
        DiskFaultKind.Full => "is full",
        DiskFaultKind.ReadOnly => "is read-only",
        _ => $"cannot be written ({exception.Message})",
    };
}
