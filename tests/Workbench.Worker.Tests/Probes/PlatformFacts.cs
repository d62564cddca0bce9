namespace Workbench.Worker.Tests.Probes;

/// <summary>A fact that is skipped, with the reason, where the fake NVML library cannot be built.</summary>
internal sealed class FactWithCCompilerAttribute : FactAttribute
{
    public FactWithCCompilerAttribute() => Skip = CCompiler.SkipReason;
}

/// <summary>A fact for tests that run shell scripts.</summary>
internal sealed class FactOnUnixAttribute : FactAttribute
{
    public FactOnUnixAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Runs a shell script standing in for nvidia-smi.";
        }
    }
}

/// <summary>A fact for tests of Linux's /proc and /sys layout.</summary>
internal sealed class FactOnLinuxAttribute : FactAttribute
{
    public FactOnLinuxAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Reads a Linux mountinfo and sysfs layout.";
        }
    }
}
