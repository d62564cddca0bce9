using Workbench.Core.Hub;

namespace Workbench.Web.Hub;

/// <summary>Where a download stands.</summary>
public enum DownloadState
{
    /// <summary>Waiting for a free download slot.</summary>
    Queued,

    /// <summary>Receiving bytes.</summary>
    Running,

    /// <summary>Done: verified, renamed and in the library.</summary>
    Completed,

    /// <summary>Stopped by an error; nothing half-written is left.</summary>
    Failed,

    /// <summary>Cancelled by the owner; its temporary files are gone.</summary>
    Cancelled,
}

/// <summary>One file of a download: its path in the repository, size and the SHA-256 the hub lists (null for small non-LFS files).</summary>
public sealed record DownloadFile(string Path, long Size, string? Sha256);

/// <summary>A download as stored: what, from where, to where, and how it ended.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Repo">The repository.</param>
/// <param name="Revision">The revision asked for.</param>
/// <param name="Commit">The commit every file is fetched at.</param>
/// <param name="Name">The row downloaded (file, split set or folder).</param>
/// <param name="Kind">What the row is.</param>
/// <param name="Files">The files.</param>
/// <param name="Target">The model folder it goes to.</param>
/// <param name="Destination">The folder the finished files get (under <paramref name="Target"/>).</param>
/// <param name="State">Where it stands.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="FinishedAt">When it ended.</param>
public sealed record DownloadRecord(
    string Id,
    string Repo,
    string Revision,
    string Commit,
    string Name,
    HubFileSetKind Kind,
    IReadOnlyList<DownloadFile> Files,
    string Target,
    string Destination,
    DownloadState State,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Bytes of all files.</summary>
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>Whether the files go to a hidden staging folder renamed at the end (a safetensors folder) rather than one by one.</summary>
    public bool IsFolder => Kind == HubFileSetKind.SafetensorsFolder;

    /// <summary>The hidden folder a folder download is written into.</summary>
    public string StagingFolder => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Destination)!, $".{System.IO.Path.GetFileName(Destination)}.{Id}.part");

    /// <summary>Where a file is written while it downloads: a hidden ".part" name the library scanner skips.</summary>
    public string TemporaryPath(DownloadFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return IsFolder
            ? System.IO.Path.Combine(StagingFolder, file.Path.Replace('/', System.IO.Path.DirectorySeparatorChar))
            : System.IO.Path.Combine(Destination, $".{FileName(file)}.{Id}.part");
    }

    /// <summary>Where a finished file lies.</summary>
    public string FinalPath(DownloadFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return IsFolder
            ? System.IO.Path.Combine(Destination, file.Path.Replace('/', System.IO.Path.DirectorySeparatorChar))
            : System.IO.Path.Combine(Destination, FileName(file));
    }

    private static string FileName(DownloadFile file) => file.Path[(file.Path.LastIndexOf('/') + 1)..];
}

/// <summary>A download as shown: the record plus its progress.</summary>
/// <param name="Download">The stored record.</param>
/// <param name="BytesDone">Bytes on disk so far.</param>
/// <param name="BytesPerSecond">Recent speed; 0 when not receiving.</param>
/// <param name="EtaSeconds">Seconds left at that speed; null when unknown.</param>
public sealed record DownloadProgress(DownloadRecord Download, long BytesDone, double BytesPerSecond, double? EtaSeconds)
{
    /// <summary>Done in percent.</summary>
    public double Percent => Download.TotalBytes > 0 ? 100.0 * BytesDone / Download.TotalBytes : 100;
}
