using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class CudaBackendCheckTests
{
    private static GpuInfo Gpu(string? driver, string? cuda) => new() { Index = 0, Name = "RTX Test", DriverVersion = driver, CudaDriverVersion = cuda };

    [Theory]
    [InlineData("Cpu")]
    [InlineData("Vulkan")]
    public void A_backend_without_cuda_needs_nothing_from_the_driver(string backend)
    {
        Assert.Equal(CudaBackendStatus.NotNeeded, CudaBackendCheck.Check(backend, []).Status);
        Assert.Equal(CudaBackendStatus.NotNeeded, CudaBackendCheck.Check(backend, [Gpu("470.82", "11.4")]).Status);
    }

    [Theory]
    [InlineData("550.54.14", "12.4")]
    [InlineData("580.65", "13.0")]
    [InlineData("525.60.13", "12.0")]
    public void A_driver_of_cuda_12_or_newer_runs_the_cuda12_backend(string driver, string cuda)
    {
        var verdict = CudaBackendCheck.Check("Cuda12", [Gpu(driver, cuda)]);

        Assert.Equal(CudaBackendStatus.Ok, verdict.Status);
        Assert.Null(verdict.Warning);
    }

    [Fact]
    public void A_cuda_11_driver_is_too_old_for_the_cuda12_backend_and_the_warning_says_what_to_update()
    {
        var verdict = CudaBackendCheck.Check("Cuda12", [Gpu("470.82.01", "11.4")]);

        Assert.Equal(CudaBackendStatus.DriverTooOld, verdict.Status);
        Assert.Contains("CUDA up to 11.4", verdict.Warning, StringComparison.Ordinal);
        Assert.Contains("needs CUDA 12", verdict.Warning, StringComparison.Ordinal);
        Assert.Contains("525 or newer", verdict.Warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("470.82.01", CudaBackendStatus.DriverTooOld)]
    [InlineData("535.104.05", CudaBackendStatus.Ok)]
    public void Without_a_cuda_version_the_driver_version_decides(string driver, CudaBackendStatus expected)
    {
        // nvidia-smi's CSV gives the driver version only.
        Assert.Equal(expected, CudaBackendCheck.Check("Cuda12", [Gpu(driver, cuda: null)]).Status);
    }

    [Fact]
    public void A_cuda_backend_with_no_nvidia_driver_warns_that_models_run_on_the_cpu()
    {
        var verdict = CudaBackendCheck.Check("Cuda12", []);

        Assert.Equal(CudaBackendStatus.NoNvidiaDriver, verdict.Status);
        Assert.Contains("no NVIDIA driver", verdict.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_that_reports_no_versions_gives_no_verdict_rather_than_a_wrong_one()
    {
        Assert.Equal(CudaBackendStatus.Unknown, CudaBackendCheck.Check("Cuda12", [Gpu(driver: null, cuda: null)]).Status);
    }

    [Theory]
    [InlineData("Cuda12", 12)]
    [InlineData("cuda11", 11)]
    [InlineData("Cuda", null)]
    [InlineData("Cpu", null)]
    public void The_required_cuda_major_comes_from_the_backend_name(string backend, int? expected)
    {
        Assert.Equal(expected, CudaBackendCheck.RequiredCudaMajor(backend));
    }
}
