using Workbench.Web.Hub;

namespace Workbench.Web.Tests.Hub;

public sealed class DownloadTargetsTests
{
    [Fact]
    public void A_folder_that_refuses_new_files_is_not_writable_and_a_missing_one_under_a_writable_parent_is()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var root = Directory.CreateTempSubdirectory("workbench-targets-");
        var locked = root.CreateSubdirectory("locked");
        try
        {
            File.SetUnixFileMode(locked.FullName, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            Assert.True(DownloadTargets.CanWrite(Path.Combine(root.FullName, "not-yet", "models")));
            Assert.DoesNotContain(Directory.GetFileSystemEntries(root.FullName), e => Path.GetFileName(e).StartsWith(".workbench", StringComparison.Ordinal));
            // Root ignores file modes, so the refusal can only be seen as another user.
            if (Environment.UserName != "root")
            {
                Assert.False(DownloadTargets.CanWrite(locked.FullName));
            }
        }
        finally
        {
            File.SetUnixFileMode(locked.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            root.Delete(recursive: true);
        }
    }
}
