namespace Workbench.Worker.Runtime;

/// <summary>
/// Physical CPU cores of this machine: llama.cpp decodes fastest with one thread per core, since two hyper-threads
/// share one core's vector units and memory bandwidth is the limit anyway.
/// </summary>
public static class PhysicalCores
{
    /// <summary>Physical cores, from <c>/proc/cpuinfo</c> on Linux; elsewhere the logical count.</summary>
    public static int Count { get; } = Read();

    private static int Read()
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
                ? FromCpuInfo(File.ReadLines("/proc/cpuinfo")) ?? Environment.ProcessorCount
                : Environment.ProcessorCount;
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    }

    /// <summary>
    /// Distinct (physical id, core id) pairs in a <c>/proc/cpuinfo</c> listing; null when it names no cores (as in
    /// some containers and on ARM), so the caller falls back to the logical count.
    /// </summary>
    public static int? FromCpuInfo(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var cores = new HashSet<(string Package, string Core)>();
        string package = "0";
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "physical id")
            {
                package = value;
            }
            else if (key == "core id")
            {
                cores.Add((package, value));
            }
        }

        return cores.Count > 0 ? Math.Min(cores.Count, Environment.ProcessorCount) : null;
    }
}
