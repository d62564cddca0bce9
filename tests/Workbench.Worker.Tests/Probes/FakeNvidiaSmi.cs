using Workbench.Core.Hardware;

namespace Workbench.Worker.Tests.Probes;

/// <summary>Writes shell scripts that stand in for nvidia-smi.</summary>
internal sealed class FakeNvidiaSmi : IDisposable
{
    /// <summary>What nvidia-smi 550 prints for an RTX 4090 and an RTX 3060 (one value it cannot read on each).</summary>
    public const string TwoGpus =
        "0, NVIDIA GeForce RTX 4090, GPU-4090aaaa-0000-1111-2222-333344445555, 24564, 2048, 22000, 37, 12, 45, 123.45, 450.00, 2520, 10501, 4, 16, 550.54.14\n"
        + "1, NVIDIA GeForce RTX 3060, GPU-3060bbbb-6666-7777-8888-999900001111, 12288, 512, 11560, 5, 1, 38, [N/A], 170.00, 210, 405, 3, 8, 550.54.14\n";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-fake-smi-");

    /// <summary>A script that checks it was asked the expected query, prints <paramref name="output"/> and exits with <paramref name="exitCode"/>.</summary>
    public string Printing(string output, int exitCode = 0) => Write(
        $"""
        if [ "$1" != "--query-gpu={NvidiaSmiCsv.QueryFields}" ] || [ "$2" != "--format=csv,noheader,nounits" ]; then
          echo "unexpected arguments: $*" >&2
          exit 2
        fi
        cat <<'CSV'
        {output.TrimEnd('\n')}
        CSV
        exit {exitCode}
        """);

    /// <summary>A script that prints an error to stdout and exits 9, as nvidia-smi does without a driver.</summary>
    public string WithoutDriver() => Write(
        """
        echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
        exit 9
        """);

    /// <summary>A script that never answers.</summary>
    public string Hanging() => Write("sleep 30");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string body)
    {
        var path = Path.Combine(_directory.FullName, $"nvidia-smi-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
