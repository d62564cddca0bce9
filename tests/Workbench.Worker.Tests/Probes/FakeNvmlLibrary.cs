using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Worker.Tests.Probes;

/// <summary>
/// Builds <c>fake_nvml.c</c> into a shared library once per test class. Each test takes its own copy
/// (<see cref="NewCopy"/>): a separately loaded file has its own globals, so tests that change readings do not
/// see each other.
/// </summary>
public sealed class FakeNvmlLibrary : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-fake-nvml-");
    private readonly string? _built;
    private int _copies;

    public FakeNvmlLibrary()
    {
        if (CCompiler.SkipReason is not null)
        {
            // Tests using this fixture are skipped by [FactWithCCompiler]; nothing to build.
            return;
        }

        var output = Path.Combine(_directory.FullName, "libfake_nvml.so");
        var start = new ProcessStartInfo("cc")
        {
            ArgumentList = { "-shared", "-fPIC", "-O1", "-Wall", "-o", output, SourcePath() },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var compiler = Process.Start(start)!;
        var errors = compiler.StandardError.ReadToEndAsync();
        compiler.StandardOutput.ReadToEnd();
        compiler.WaitForExit();
        if (compiler.ExitCode != 0)
        {
            throw new InvalidOperationException($"cc could not build fake_nvml.c:\n{errors.Result}");
        }

        _built = output;
    }

    /// <summary>A fresh copy of the built library, loadable independently of every other copy.</summary>
    public string NewCopy()
    {
        if (_built is null)
        {
            throw new InvalidOperationException(CCompiler.SkipReason);
        }

        var copy = Path.Combine(_directory.FullName, $"libfake_nvml.{Interlocked.Increment(ref _copies)}.so");
        File.Copy(_built, copy);
        return copy;
    }

    public void Dispose() => _directory.Delete(recursive: true);

    // The source sits next to this file; found through the compile-time path, else by walking up from the output.
    private static string SourcePath([CallerFilePath] string thisFile = "")
    {
        var besideThisFile = Path.Combine(Path.GetDirectoryName(thisFile) ?? ".", "fake_nvml.c");
        if (File.Exists(besideThisFile))
        {
            return besideThisFile;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Workbench.Worker.Tests", "Probes", "fake_nvml.c");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("fake_nvml.c not found beside the tests or above the test output folder.");
    }
}

/// <summary>The fake library's control variables, through a handle of the test's own.</summary>
internal sealed class FakeNvmlControls : IDisposable
{
    private readonly IntPtr _handle;

    public FakeNvmlControls(string libraryPath) => _handle = NativeLibrary.Load(libraryPath);

    public int InitResult
    {
        set => Marshal.WriteInt32(NativeLibrary.GetExport(_handle, "fake_init_result"), value);
    }

    public int InitCount => Marshal.ReadInt32(NativeLibrary.GetExport(_handle, "fake_init_count"));

    public int ProcessListCalls => Marshal.ReadInt32(NativeLibrary.GetExport(_handle, "fake_process_list_calls"));

    public int ExtraProcesses
    {
        set => Marshal.WriteInt32(NativeLibrary.GetExport(_handle, "fake_extra_processes"), value);
    }

    public void SetTemperature(int gpu, int celsius) =>
        Marshal.WriteInt32(NativeLibrary.GetExport(_handle, "fake_temperature"), gpu * sizeof(int), celsius);

    public void SetUsedBytes(int gpu, long bytes) =>
        Marshal.WriteInt64(NativeLibrary.GetExport(_handle, "fake_used"), gpu * sizeof(long), bytes);

    public void Dispose() => NativeLibrary.Free(_handle);
}

/// <summary>Whether this machine can build the fake NVML library: Linux with <c>cc</c> on PATH.</summary>
internal static class CCompiler
{
    /// <summary>Why tests needing the fake are skipped; null when they can run.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The fake NVML library is built as a Linux shared object; this is not Linux.";
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "cc")));
        return onPath ? null : "No C compiler: 'cc' is not on PATH, so fake_nvml.c cannot be built (install gcc or clang).";
    }
}

