namespace Workbench.Core.Hardware;

/// <summary>Whether the worker's llama.cpp backend can use the machine's NVIDIA driver.</summary>
public enum CudaBackendStatus
{
    /// <summary>The backend does not use CUDA (CPU build).</summary>
    NotNeeded,

    /// <summary>The driver supports the CUDA version the backend was built for.</summary>
    Ok,

    /// <summary>The driver's version was not reported, so compatibility cannot be told.</summary>
    Unknown,

    /// <summary>The driver supports only an older CUDA than the backend needs: llama.cpp falls back to the CPU or fails.</summary>
    DriverTooOld,

    /// <summary>A CUDA backend on a machine where no NVIDIA driver answered.</summary>
    NoNvidiaDriver,
}

/// <summary>The outcome of <see cref="CudaBackendCheck.Check"/>.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Warning">What is wrong and what to do, for <see cref="CudaBackendStatus.DriverTooOld"/> and <see cref="CudaBackendStatus.NoNvidiaDriver"/>.</param>
public sealed record CudaBackendVerdict(CudaBackendStatus Status, string? Warning = null);
