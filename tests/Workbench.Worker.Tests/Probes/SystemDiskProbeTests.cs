using Workbench.Core.Hardware;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

/// <summary>The disk probe against a made-up mountinfo and sysfs tree laid out as Linux lays them out.</summary>
public sealed class SystemDiskProbeTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("workbench-fake-sys-");
    private readonly SystemDiskProbe _probe;

    public SystemDiskProbeTests()
    {
        Disk("devices/pci0000:00/nvme/nvme0n1", rotational: "0", partition: "nvme0n1p2", major: 259, minor: 2);
        Disk("devices/pci0000:00/ata1/sda", rotational: "1", partition: "sda1", major: 8, minor: 1);
        Disk("devices/pci0000:00/ata2/sdb", rotational: "0", partition: null, major: 8, minor: 16);
        Disk("devices/virtio0/vda", rotational: "1", partition: null, major: 254, minor: 0);
        Disk("devices/virtual/block/dm-0", rotational: "0", partition: null, major: 253, minor: 0);
        Link("devices/virtual/block/dm-0/slaves/nvme0n1p2", "devices/pci0000:00/nvme/nvme0n1/nvme0n1p2");

        var mounts = new[] { "fast", "hdd", "sata", "lvm", "virt", "btrfs", "overlay", "with space" };
        foreach (var mount in mounts)
        {
            Directory.CreateDirectory(Mount(mount));
        }

        var mountInfo = Path.Combine(_root.FullName, "mountinfo");
        File.WriteAllText(mountInfo, $"""
            1 0 254:0 / / rw,relatime - ext4 /dev/vda rw
            40 1 259:2 / {Mount("fast")} rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
            41 1 8:1 / {Mount("hdd")} rw,relatime - ext4 /dev/sda1 rw
            42 1 8:16 / {Mount("sata")} rw,relatime - xfs /dev/sdb rw
            43 1 253:0 / {Mount("lvm")} rw,relatime - ext4 /dev/mapper/vg-root rw
            44 1 254:0 / {Mount("virt")} rw,relatime - ext4 /dev/vda rw
            45 1 0:50 /@models {Mount("btrfs")} rw,relatime - btrfs /dev/nvme0n1p2 rw,subvol=/@models
            46 1 0:60 / {Mount("overlay")} rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b
            47 1 8:16 / {Mount("with\\040space")} rw,relatime - xfs /dev/sdb rw
            """);
        _probe = new SystemDiskProbe(mountInfo, Path.Combine(_root.FullName, "sys"));
    }

    [FactOnLinux]
    public void A_partition_of_an_nvme_drive_is_nvme()
    {
        var disk = _probe.ReadDisk(Mount("fast"));

        Assert.Equal(DiskKind.Nvme, disk.Kind);
        Assert.Equal("nvme0n1", disk.Device);
        Assert.Equal(Mount("fast"), disk.MountPoint);
        Assert.Equal("ext4", disk.FileSystem);
    }

    [FactOnLinux]
    public void A_rotational_disk_is_an_hdd()
    {
        var disk = _probe.ReadDisk(Mount("hdd"));

        Assert.Equal(DiskKind.Hdd, disk.Kind);
        Assert.Equal("sda", disk.Device);
    }

    [FactOnLinux]
    public void A_non_rotational_sata_disk_is_an_ssd()
    {
        Assert.Equal(DiskKind.Ssd, _probe.ReadDisk(Mount("sata")).Kind);
    }

    [FactOnLinux]
    public void A_device_mapper_volume_on_nvme_is_nvme()
    {
        var disk = _probe.ReadDisk(Mount("lvm"));

        Assert.Equal(DiskKind.Nvme, disk.Kind);
        Assert.Equal("dm-0", disk.Device);
    }

    [FactOnLinux]
    public void A_virtio_disk_is_unknown_whatever_its_rotational_flag_says()
    {
        Assert.Equal(DiskKind.Unknown, _probe.ReadDisk(Mount("virt")).Kind);
    }

    [FactOnLinux]
    public void A_btrfs_subvolume_is_found_through_its_mount_source()
    {
        var disk = _probe.ReadDisk(Mount("btrfs"));

        Assert.Equal(DiskKind.Nvme, disk.Kind);
        Assert.Equal("btrfs", disk.FileSystem);
    }

    [FactOnLinux]
    public void An_overlay_has_no_device()
    {
        var disk = _probe.ReadDisk(Mount("overlay"));

        Assert.Equal(DiskKind.Unknown, disk.Kind);
        Assert.Null(disk.Device);
        Assert.Equal("overlay", disk.FileSystem);
    }

    [FactOnLinux]
    public void A_mount_point_with_a_space_is_matched()
    {
        var disk = _probe.ReadDisk(Path.Combine(Mount("with space"), "models"));

        Assert.Equal(Mount("with space"), disk.MountPoint);
        Assert.Equal(DiskKind.Ssd, disk.Kind);
    }

    [FactOnLinux]
    public void A_folder_that_does_not_exist_yet_is_measured_on_its_nearest_parent()
    {
        var path = Path.Combine(Mount("fast"), "models", "not", "yet");

        var disk = _probe.ReadDisk(path);

        Assert.Equal(path, disk.Path);
        Assert.Equal(DiskKind.Nvme, disk.Kind);
        Assert.True(disk.TotalBytes > 0);
    }

    [FactOnLinux]
    public void A_symbolic_link_is_followed_to_the_mount_it_points_into()
    {
        var models = Directory.CreateDirectory(Path.Combine(Mount("hdd"), "models")).FullName;
        var link = Path.Combine(Mount("fast"), "models-link");
        Directory.CreateSymbolicLink(link, models);

        var disk = _probe.ReadDisk(Path.Combine(link, "llama.gguf"));

        Assert.Equal(Mount("hdd"), disk.MountPoint);
        Assert.Equal(DiskKind.Hdd, disk.Kind);
    }

    [Fact]
    public void The_real_temp_folder_has_space_and_a_mount()
    {
        var disk = new SystemDiskProbe().ReadDisk(Path.GetTempPath());

        Assert.True(disk.TotalBytes > 0, $"total {disk.TotalBytes}");
        Assert.InRange(disk.FreeBytes ?? -1, 0, disk.TotalBytes!.Value);
        Assert.NotNull(disk.MountPoint);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string Mount(string name) => Path.Combine(_root.FullName, "mnt", name);

    private void Disk(string devicePath, string rotational, string? partition, int major, int minor)
    {
        var device = Path.Combine(_root.FullName, "sys", devicePath);
        Directory.CreateDirectory(Path.Combine(device, "queue"));
        File.WriteAllText(Path.Combine(device, "queue", "rotational"), rotational + "\n");
        var name = Path.GetFileName(devicePath);
        Link($"class/block/{name}", devicePath);
        var node = devicePath;
        if (partition is not null)
        {
            node = $"{devicePath}/{partition}";
            Directory.CreateDirectory(Path.Combine(_root.FullName, "sys", node));
            Link($"class/block/{partition}", node);
        }

        Link($"dev/block/{major}:{minor}", node);
    }

    // sysfs links are relative, as the kernel makes them.
    private void Link(string linkPath, string targetPath)
    {
        var link = Path.Combine(_root.FullName, "sys", linkPath);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var target = Path.GetRelativePath(Path.GetDirectoryName(link)!, Path.Combine(_root.FullName, "sys", targetPath));
        Directory.CreateSymbolicLink(link, target);
    }
}
