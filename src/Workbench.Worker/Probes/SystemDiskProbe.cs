using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// Reads the file system under a path and, on Linux, the drive under it: the mount from
/// <c>/proc/self/mountinfo</c>, its block device through <c>/sys/dev/block/MAJOR:MINOR</c> (or the mount source),
/// and the kind from the device name (nvme…) and <c>queue/rotational</c>. Virtual disks (virtio, loop, zram)
/// report a rotational flag that says nothing about the real drive, so they are <see cref="DiskKind.Unknown"/>.
/// </summary>
public sealed class SystemDiskProbe : IDiskProbe
{
    private static readonly string[] VirtualDevicePrefixes = ["vd", "xvd", "loop", "zram", "ram", "nbd"];
    private readonly string _mountInfoPath;
    private readonly string _sysRoot;

    /// <summary>A probe reading the real <c>/proc/self/mountinfo</c> and <c>/sys</c>.</summary>
    public SystemDiskProbe()
        : this("/proc/self/mountinfo", "/sys")
    {
    }

    /// <summary>A probe reading another mountinfo file and sysfs tree (tests).</summary>
    internal SystemDiskProbe(string mountInfoPath, string sysRoot)
    {
        _mountInfoPath = mountInfoPath;
        _sysRoot = sysRoot;
    }

    /// <inheritdoc/>
    public DiskInfo ReadDisk(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var existing = NearestExisting(Path.GetFullPath(path));
        var (free, total, format) = Space(existing);
        if (OperatingSystem.IsWindows() || ProbeFiles.TryReadText(_mountInfoPath) is not { } mountInfo)
        {
            return new DiskInfo { Path = path, MountPoint = Path.GetPathRoot(existing), FileSystem = format, FreeBytes = free, TotalBytes = total };
        }

        var mount = MountInfo.FindMount(MountInfo.Parse(mountInfo), ResolveLinks(existing));
        var deviceDirectory = mount is null ? null : DeviceDirectory(mount);
        return new DiskInfo
        {
            Path = path,
            MountPoint = mount?.MountPoint,
            Device = deviceDirectory is null ? null : Path.GetFileName(deviceDirectory),
            FileSystem = mount?.FileSystemType ?? format,
            FreeBytes = free,
            TotalBytes = total,
            Kind = deviceDirectory is null ? DiskKind.Unknown : Classify(deviceDirectory, depth: 0),
        };
    }

    /// <summary>The sysfs folder of the whole disk under a mount (a partition's parent), or null.</summary>
    internal string? DeviceDirectory(MountInfoEntry mount)
    {
        // Major 0 is an anonymous device: virtual file systems, but also btrfs, whose source still names the disk.
        var directory = mount.Major != 0
            ? ResolveDirectory(Path.Combine(_sysRoot, "dev", "block", $"{mount.Major}:{mount.Minor}"))
            : null;
        if (directory is null && mount.Source.StartsWith("/dev/", StringComparison.Ordinal))
        {
            // /dev/mapper/name and /dev/disk/by-… are links to the kernel name (dm-0, sda1).
            var kernelName = Path.GetFileName(ResolveLinks(mount.Source));
            directory = ResolveDirectory(Path.Combine(_sysRoot, "class", "block", kernelName));
        }

        return directory is null ? null : WholeDisk(directory);
    }

    private DiskKind Classify(string deviceDirectory, int depth)
    {
        var name = Path.GetFileName(deviceDirectory);
        if (name.StartsWith("nvme", StringComparison.Ordinal))
        {
            return DiskKind.Nvme;
        }

        if (VirtualDevicePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return DiskKind.Unknown;
        }

        // Device mapper and software RAID (LVM, LUKS, md): the kind of the disks underneath, when they agree.
        var slaves = Path.Combine(deviceDirectory, "slaves");
        if (depth < 4 && Directory.Exists(slaves))
        {
            var kinds = Directory.EnumerateFileSystemEntries(slaves)
                .Select(slave => ResolveDirectory(Path.Combine(_sysRoot, "class", "block", Path.GetFileName(slave))))
                .Select(slave => slave is null ? DiskKind.Unknown : Classify(WholeDisk(slave), depth + 1))
                .Distinct()
                .ToList();
            if (kinds.Count == 1)
            {
                return kinds[0];
            }
        }

        return ProbeFiles.TryReadLine(Path.Combine(deviceDirectory, "queue", "rotational")) switch
        {
            "0" => DiskKind.Ssd,
            "1" => DiskKind.Hdd,
            _ => DiskKind.Unknown,
        };
    }

    // A partition's folder (sda1) sits inside its disk's (sda) and has no queue/ of its own.
    private static string WholeDisk(string directory) =>
        !Directory.Exists(Path.Combine(directory, "queue"))
        && Path.GetDirectoryName(directory) is { } parent
        && Directory.Exists(Path.Combine(parent, "queue"))
            ? parent
            : directory;

    private static string? ResolveDirectory(string path)
    {
        try
        {
            return Directory.Exists(path) ? Directory.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The path with every symbolic link along it followed, so a linked model folder finds its real mount.</summary>
    private static string ResolveLinks(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var segment in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, segment);
            try
            {
                current = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                current = next;
            }
        }

        return current;
    }

    private static string NearestExisting(string fullPath)
    {
        var current = fullPath;
        while (!Path.Exists(current) && Path.GetDirectoryName(current) is { } parent)
        {
            current = parent;
        }

        return current;
    }

    private static (long? Free, long? Total, string? Format) Space(string existingPath)
    {
        try
        {
            // On Unix a DriveInfo may name any path (statvfs takes one); on Windows it must be the drive root.
            var drive = new DriveInfo(OperatingSystem.IsWindows() ? Path.GetPathRoot(existingPath)! : existingPath);
            return (drive.AvailableFreeSpace, drive.TotalSize, drive.DriveFormat);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null, null);
        }
    }
}
