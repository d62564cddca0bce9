using Workbench.Core.Hardware;
using Workbench.Core.Telemetry;

namespace Workbench.Worker.Telemetry;

/// <summary>
/// Takes one <see cref="TelemetrySample"/> from the probes. The GPU probe itself keeps slow readings (names, clocks,
/// process lists) cached, so a sample reads only memory, utilization, temperature and power from the driver.
/// </summary>
public sealed class TelemetrySampler(IGpuProbe gpus, ICpuProbe cpu, IMemoryProbe memory, TimeProvider time)
{
    /// <summary>A sample now.</summary>
    public TelemetrySample Sample() =>
        TelemetrySample.From(time.GetUtcNow(), gpus.ReadGpus(), cpu.SampleUtilizationPercent(), memory.ReadMemory(), Environment.ProcessId);
}
