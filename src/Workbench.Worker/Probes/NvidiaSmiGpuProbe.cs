using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// Reads GPUs by running <c>nvidia-smi --query-gpu</c>: the fallback when NVML cannot be loaded into the worker.
/// Each read starts a process (10–20 ms, seconds without persistence mode), so sample it slowly. It gives no
/// process list, bus width, maximum clock or CUDA version.
/// </summary>
public sealed class NvidiaSmiGpuProbe : IGpuProbe
{
    private const string Provider = "nvidia-smi";
    private const string DefaultPath = "nvidia-smi";

    // ENOENT on Unix, ERROR_FILE_NOT_FOUND on Windows.
    private const int FileNotFound = 2;

    private readonly string _path;
    private readonly TimeSpan _timeout;
    private readonly Lock _gate = new();
    private string? _unavailableReason;

    /// <summary>A probe running the nvidia-smi at <paramref name="path"/> (a name is looked up on PATH).</summary>
    public NvidiaSmiGpuProbe(string path, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _timeout = timeout;
    }

    /// <inheritdoc/>
    public string ProviderName => Provider;

    /// <inheritdoc/>
    public string? UnavailableReason
    {
        get
        {
            lock (_gate)
            {
                return _unavailableReason;
            }
        }
    }

    /// <summary>
    /// Runs nvidia-smi once; null with a reason when it is missing, fails, times out or lists no GPU.
    /// </summary>
    public static NvidiaSmiGpuProbe? TryCreate(string path, TimeSpan timeout, out string? unavailableReason)
    {
        var probe = new NvidiaSmiGpuProbe(path, timeout);
        var gpus = probe.ReadGpus();
        unavailableReason = probe.UnavailableReason ?? (gpus.Count == 0 ? "nvidia-smi listed no GPU" : null);
        return unavailableReason is null ? probe : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<GpuInfo> ReadGpus()
    {
        var (output, failure) = Run();
        var gpus = output is null ? [] : NvidiaSmiCsv.Parse(output);
        lock (_gate)
        {
            _unavailableReason = failure;
        }

        return gpus;
    }

    private (string? Output, string? Failure) Run()
    {
        var start = new ProcessStartInfo(_path)
        {
            ArgumentList = { $"--query-gpu={NvidiaSmiCsv.QueryFields}", "--format=csv,noheader,nounits" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e) when (e.NativeErrorCode == FileNotFound)
        {
            return (null, _path == DefaultPath ? "nvidia-smi not found" : $"nvidia-smi not found at {_path}");
        }
        catch (Win32Exception e)
        {
            return (null, $"nvidia-smi could not start: {e.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(_timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the timeout and the kill.
            }

            return (null, $"nvidia-smi did not answer within {_timeout.TotalSeconds:0.#} s");
        }

        // Returns once the output has been read to the end.
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var message = FirstLine(errors) ?? FirstLine(output) ?? "no message";
            return (null, $"nvidia-smi failed with exit code {process.ExitCode}: {message}");
        }

        lock (output)
        {
            return (output.ToString(), null);
        }
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }

    private static string? FirstLine(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        }
    }
}
