namespace Workbench.Core.Hardware;

/// <summary>The file system holding a path (e.g. the model folder), and what kind of drive is under it.</summary>
public sealed record DiskInfo
{
    /// <summary>The path that was asked about.</summary>
    public required string Path { get; init; }

    /// <summary>Mount point (or drive root) of the file system holding the path.</summary>
    public string? MountPoint { get; init; }

    /// <summary>Block device under the file system, e.g. "nvme0n1"; null when unknown.</summary>
    public string? Device { get; init; }

    /// <summary>File system type, e.g. "ext4".</summary>
    public string? FileSystem { get; init; }

    /// <summary>Bytes free for this user.</summary>
    public long? FreeBytes { get; init; }

    /// <summary>Size of the file system in bytes.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>What kind of drive it is; decides how fast a model loads.</summary>
    public DiskKind Kind { get; init; }
}

/// <summary>Kind of drive under a file system.</summary>
public enum DiskKind
{
    /// <summary>Not known (virtual disks, network and overlay file systems, or an OS that does not say).</summary>
    Unknown,

    /// <summary>NVMe solid-state drive.</summary>
    Nvme,

    /// <summary>Other solid-state drive (SATA/SAS).</summary>
    Ssd,

    /// <summary>Spinning hard disk.</summary>
    Hdd,
}
