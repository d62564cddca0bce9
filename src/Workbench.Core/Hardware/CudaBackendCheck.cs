using System.Globalization;

namespace Workbench.Core.Hardware;

/// <summary>
/// Compares the CUDA version the worker's llama.cpp backend was built for ("Cuda12" needs CUDA 12.x) with the highest
/// CUDA version the NVIDIA driver supports. A CUDA binary runs on any driver of its major version or newer.
/// </summary>
public static class CudaBackendCheck
{
    // Oldest Linux driver of each CUDA major version (NVIDIA's CUDA toolkit release notes, table 3), for probes that
    // give only the driver version (nvidia-smi's CSV has no CUDA field).
    private static readonly Dictionary<int, int> MinimumDriverMajor = new() { [11] = 450, [12] = 525, [13] = 580 };

    /// <summary>The verdict for a worker built with <paramref name="backend"/> on a machine with <paramref name="gpus"/>.</summary>
    public static CudaBackendVerdict Check(string backend, IReadOnlyList<GpuInfo> gpus)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(gpus);
        if (RequiredCudaMajor(backend) is not { } required)
        {
            return new CudaBackendVerdict(CudaBackendStatus.NotNeeded);
        }

        if (gpus.Count == 0)
        {
            return new CudaBackendVerdict(
                CudaBackendStatus.NoNvidiaDriver,
                $"The worker's llama.cpp backend is {backend} (CUDA {required}), but no NVIDIA driver answered, so models run on the CPU only. "
                + "Install the NVIDIA driver (and, in Docker, the NVIDIA container toolkit with --gpus all), or use the CPU build.");
        }

        // The CUDA version is driver-wide: every GPU reports the same.
        var gpu = gpus[0];
        var supported = MajorOf(gpu.CudaDriverVersion);
        var tooOld = supported is { } major
            ? major < required
            : MajorOf(gpu.DriverVersion) is { } driverMajor && MinimumDriverMajor.TryGetValue(required, out var minimum)
                ? driverMajor < minimum
                : (bool?)null;
        return tooOld switch
        {
            null => new CudaBackendVerdict(CudaBackendStatus.Unknown),
            false => new CudaBackendVerdict(CudaBackendStatus.Ok),
            true => new CudaBackendVerdict(
                CudaBackendStatus.DriverTooOld,
                $"The NVIDIA driver {gpu.DriverVersion ?? "(version unknown)"} supports "
                + (gpu.CudaDriverVersion is { } cuda ? $"CUDA up to {cuda}" : "only CUDA older than " + required)
                + $", but the worker's llama.cpp backend ({backend}) needs CUDA {required}. Update the driver"
                + (MinimumDriverMajor.TryGetValue(required, out var needed) ? $" to {needed} or newer" : string.Empty)
                + ", or use the CPU build."),
        };
    }

    /// <summary>The CUDA major version a backend name asks for ("Cuda12" → 12), or null for non-CUDA backends.</summary>
    public static int? RequiredCudaMajor(string backend) =>
        backend.StartsWith("Cuda", StringComparison.OrdinalIgnoreCase)
        && int.TryParse(backend.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? major
            : null;

    private static int? MajorOf(string? version) =>
        version is { Length: > 0 }
        && int.TryParse(version.AsSpan(0, version.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0 ? dot : version.Length),
            NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? major
            : null;
}
