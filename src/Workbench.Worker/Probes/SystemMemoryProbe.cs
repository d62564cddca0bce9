using System.Globalization;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// Reads RAM, swap and the worker's resident memory: on Linux from <c>/proc/meminfo</c>,
/// <c>/proc/self/status</c> and the cgroup's memory limit; elsewhere only what .NET knows (total memory and the
/// working set).
/// </summary>
public sealed class SystemMemoryProbe : IMemoryProbe
{
    private readonly string _procRoot;
    private readonly string _cgroupRoot;

    /// <summary>A probe reading the real <c>/proc</c> and <c>/sys/fs/cgroup</c>.</summary>
    public SystemMemoryProbe()
        : this("/proc", "/sys/fs/cgroup")
    {
    }

    /// <summary>A probe reading other folders (tests).</summary>
    internal SystemMemoryProbe(string procRoot, string cgroupRoot)
    {
        _procRoot = procRoot;
        _cgroupRoot = cgroupRoot;
    }

    /// <inheritdoc/>
    public MemoryInfo ReadMemory()
    {
        if (ProbeFiles.TryReadText(Path.Combine(_procRoot, "meminfo")) is not { } meminfo)
        {
            return new MemoryInfo
            {
                TotalBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                ProcessResidentBytes = Environment.WorkingSet,
            };
        }

        var memory = ProcMeminfo.Parse(meminfo);
        var resident = ProbeFiles.TryReadText(Path.Combine(_procRoot, "self", "status")) is { } status
            ? ProcMeminfo.ParseResidentBytes(status)
            : null;
        var limit = ContainerLimit();
        return memory with
        {
            ProcessResidentBytes = resident ?? Environment.WorkingSet,
            ContainerLimitBytes = limit < memory.TotalBytes ? limit : null,
        };
    }

    /// <summary>
    /// memory.max of the process's cgroup (v2; "0::/path" in /proc/self/cgroup, or the root inside a container's
    /// namespace), else memory.limit_in_bytes (v1). Null when unlimited or unknown.
    /// </summary>
    private long? ContainerLimit()
    {
        var candidates = new List<string>();
        var own = ProbeFiles.TryReadText(Path.Combine(_procRoot, "self", "cgroup"))?
            .Split('\n')
            .FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..]
            .Trim();
        if (own is { Length: > 1 })
        {
            candidates.Add(Path.Combine(_cgroupRoot, own.TrimStart('/'), "memory.max"));
        }

        candidates.Add(Path.Combine(_cgroupRoot, "memory.max"));
        candidates.Add(Path.Combine(_cgroupRoot, "memory", "memory.limit_in_bytes"));
        foreach (var candidate in candidates)
        {
            if (ProbeFiles.TryReadLine(candidate) is { } text)
            {
                // "max" (v2) and a page-rounded long.MaxValue (v1) both mean no limit; the caller drops limits above RAM.
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
            }
        }

        return null;
    }
}
