namespace Workbench.Core.Hardware;

/// <summary>Reads the CPU's identity and load.</summary>
public interface ICpuProbe
{
    /// <summary>Model, core counts and instruction sets (these do not change while the process runs).</summary>
    CpuInfo ReadCpu();

    /// <summary>Percent of CPU time, over all cores, spent busy since the previous call; null on the first call or where the OS does not say.</summary>
    double? SampleUtilizationPercent();
}
