using System.Diagnostics;

namespace Workbench.Core.Tests.TestSupport;

/// <summary>Makes a real named pipe (FIFO) with <c>mkfifo</c>, as an attacker or a misconfigured tool could.</summary>
public static class NamedPipeFile
{
    /// <summary>Creates a FIFO at <paramref name="path"/>.</summary>
    public static void Create(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
