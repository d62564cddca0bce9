using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class MountInfoTests
{
    private const string Sample = """
        22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
        23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
        40 22 8:17 / /mnt/models rw,relatime shared:30 master:2 - xfs /dev/sdb1 rw,attr2
        41 22 8:33 / /mnt/models/big rw,relatime - ext4 /dev/sdc1 rw
        42 22 8:49 / /mnt/my\040models rw,relatime - ext4 /dev/sdd1 rw
        43 22 0:50 /@home /home rw,relatime - btrfs /dev/nvme1n1p1 rw,subvol=/@home
        44 22 8:65 / /mnt/models rw,relatime - ext4 /dev/sde1 rw

        """;

    [Fact]
    public void Every_well_formed_line_becomes_an_entry()
    {
        var entries = MountInfo.Parse(Sample);

        Assert.Equal(7, entries.Count);
        Assert.Equal(new MountInfoEntry("/mnt/models", 8, 17, "xfs", "/dev/sdb1"), entries[2]);
    }

    [Fact]
    public void Escaped_spaces_in_mount_points_are_decoded()
    {
        Assert.Equal("/mnt/my models", MountInfo.Parse(Sample)[4].MountPoint);
    }

    [Theory]
    [InlineData("/home/me/models", "/home")]
    [InlineData("/mnt/models/big/llama.gguf", "/mnt/models/big")]
    [InlineData("/mnt/models/bigger", "/mnt/models")]
    [InlineData("/mnt/my models/a", "/mnt/my models")]
    [InlineData("/mnt/modelsx", "/")]
    [InlineData("/srv", "/")]
    [InlineData("/proc", "/proc")]
    public void The_longest_mount_point_on_a_segment_boundary_holds_a_path(string path, string mountPoint)
    {
        Assert.Equal(mountPoint, MountInfo.FindMount(MountInfo.Parse(Sample), path)?.MountPoint);
    }

    [Fact]
    public void Of_two_mounts_on_one_point_the_later_one_is_visible()
    {
        var mount = MountInfo.FindMount(MountInfo.Parse(Sample), "/mnt/models/x");

        Assert.Equal("/dev/sde1", mount?.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\n")]
    [InlineData("22 1 259:2 / / rw,relatime ext4 /dev/nvme0n1p2 rw\n")] // no separator
    [InlineData("22 1 x:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw\n")]
    [InlineData("22 1 259:2 / / rw - ext4\n")]
    public void Malformed_lines_are_skipped(string text)
    {
        Assert.Empty(MountInfo.Parse(text));
    }

    [Fact]
    public void No_mounts_find_nothing()
    {
        Assert.Null(MountInfo.FindMount([], "/home"));
    }

    [Fact]
    public void This_machines_mountinfo_has_a_root_mount()
    {
        if (!File.Exists("/proc/self/mountinfo"))
        {
            return;
        }

        var entries = MountInfo.Parse(File.ReadAllText("/proc/self/mountinfo"));

        Assert.NotNull(MountInfo.FindMount(entries, "/"));
    }
}
