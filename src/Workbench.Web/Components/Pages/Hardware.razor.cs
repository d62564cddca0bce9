using System.Globalization;
using Microsoft.AspNetCore.Components;
using Workbench.Core.Hardware;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;

namespace Workbench.Web.Components.Pages;

/// <summary>Hardware of every connected worker host and the model tier it is in.</summary>
public sealed partial class Hardware : IDisposable
{
    private System.Security.Claims.ClaimsPrincipal? _viewer;

    [Inject] public required WorkerRegistry Registry { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    // Disk paths and GPU processes only for the owner.
    private IEnumerable<(ConnectedWorker Worker, HardwareSnapshot Hardware)> Reported =>
        Fleet.LocalFirst(Registry.Workers.Where(w => w.Hardware is not null), w => w.Registration.HostName)
            .Select(w => (w, Security.OwnerDetails.HardwareFor(_viewer, w.Hardware!)));

    [Inject] public required FleetView Fleet { get; init; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        Registry.Changed += Refresh;
        _viewer = await Auth.CallerState.UserAsync(Authentication);
    }

    internal static string TierName(HardwareTier tier) => tier switch
    {
        HardwareTier.Models7B => "7B",
        HardwareTier.Models13B => "13B",
        HardwareTier.Models34B => "34B",
        HardwareTier.Models70B => "70B",
        _ => "Minimal",
    };

    internal static string NoGpuText(string? reason) => reason switch
    {
        null or "" => "No NVIDIA GPU found.",
        _ when reason.StartsWith("No NVIDIA GPU", StringComparison.OrdinalIgnoreCase) => reason,
        _ => $"No NVIDIA GPU found: {reason}",
    };

    internal static string CoresText(CpuInfo cpu) =>
        (cpu.PhysicalCores is { } cores ? $"{cores} cores · " : string.Empty)
        + $"{cpu.LogicalProcessors} threads"
        + (cpu.ProcessorsAvailable != cpu.LogicalProcessors ? $" ({cpu.ProcessorsAvailable} available to the worker)" : string.Empty);

    internal static IEnumerable<(string Name, bool Present)> InstructionSets(CpuInfo cpu) =>
    [
        ("AVX", cpu.HasAvx),
        ("AVX2", cpu.HasAvx2),
        ("AVX-512", cpu.HasAvx512F),
        ("FMA", cpu.HasFma),
        ("F16C", cpu.HasF16C),
    ];

    internal static IEnumerable<string> GpuDetails(GpuInfo gpu)
    {
        if (gpu.GpuUtilizationPercent is { } util)
        {
            yield return $"Utilization {util} %";
        }

        if (gpu.TemperatureCelsius is { } temp)
        {
            yield return $"Temperature {temp} °C";
        }

        if (gpu.PowerDrawWatts is { } power)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Power {power:0} W") + (gpu.PowerLimitWatts is { } limit ? string.Create(CultureInfo.InvariantCulture, $" of {limit:0} W") : string.Empty);
        }

        if (gpu.PeakMemoryBandwidthBytesPerSecond is { } bandwidth)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Memory bandwidth {bandwidth / 1e9:0} GB/s");
        }

        if (gpu.DriverVersion is { } driver)
        {
            yield return $"Driver {driver}" + (gpu.CudaDriverVersion is { } cuda ? $" · CUDA {cuda}" : string.Empty);
        }
    }

    internal static string? CudaWarning(HardwareSnapshot hardware) => CudaBackendCheck.Check(hardware.Software.Backend, hardware.Gpus).Warning;

    internal static string RamBandwidthText(MemoryInfo memory) => memory.MeasuredBandwidthBytesPerSecond is { } bandwidth
        ? string.Create(CultureInfo.InvariantCulture, $"Bandwidth {bandwidth / 1e9:0.0} GB/s (measured, one-thread copy)")
        : "Bandwidth not measured (the worker could not finish its copy test in time)";

    internal static string DiskText(DiskInfo disk) =>
        $"{disk.MountPoint ?? disk.Path}: {ByteFormat.Gb(disk.FreeBytes)} free of {ByteFormat.Gb(disk.TotalBytes)}"
        + (disk.Kind == DiskKind.Unknown ? string.Empty : $" · {disk.Kind}")
        + (disk.FileSystem is { } fs ? $" · {fs}" : string.Empty);

    private void Refresh() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose() => Registry.Changed -= Refresh;
}
