using System.Runtime.InteropServices;

/// <summary>
/// CPU time of the calling OS thread in nanoseconds (POSIX <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, exact
/// to the nanosecond, unlike /proc's tick-granular counters). Read before and after synchronous work on one thread.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether this OS has the clock (Linux; macOS numbers its clocks differently).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Nanoseconds this thread has run so far.</summary>
    public static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct TimeSpec
    {
        public readonly long Seconds;
        public readonly long Nanoseconds;
    }
}
