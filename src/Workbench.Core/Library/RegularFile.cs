using System.Runtime.InteropServices;

namespace Workbench.Core.Library;

/// <summary>
/// Tells a regular file from a special one (named pipe, socket, device) before anything opens it: opening a FIFO
/// blocks until someone writes to it, and reading a device never ends. .NET's file APIs do not expose the file type,
/// so on Linux it comes from <c>statx</c> (a syscall through libc, the same on every architecture); elsewhere, or where
/// libc lacks it, a file counts as regular only when it has bytes (special files report a size of 0).
/// </summary>
public static class RegularFile
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFileType = 0x8000;
    private static bool _statxMissing;

    /// <summary>Whether <paramref name="path"/> (followed through symbolic links) is a regular file.</summary>
    public static bool Is(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && !_statxMissing)
        {
            try
            {
                var buffer = new byte[256];
                if (Statx(AtCurrentDirectory, NullTerminatedUtf8(path), 0, StatxType, buffer) != 0)
                {
                    return false; // gone or unreachable: nothing to open either
                }

                return (BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask) == RegularFileType;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _statxMissing = true;
            }
        }

        var file = new FileInfo(path);
        return file.Exists && file.Length > 0;
    }

    private static byte[] NullTerminatedUtf8(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code in this project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "statx", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, byte[] utf8Path, int flags, uint mask, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
