namespace Workbench.Core.Hardware;

/// <summary>What Linux's <c>/proc/cpuinfo</c> says about the CPU.</summary>
/// <param name="ModelName">"model name" (x86), or the board/SoC name other architectures give; null when absent.</param>
/// <param name="LogicalProcessors">Number of "processor" entries.</param>
/// <param name="PhysicalCores">Distinct (physical id, core id) pairs; null when the file gives no core ids.</param>
/// <param name="Flags">Feature flags of the first processor ("flags" on x86, "Features" on ARM), lower case.</param>
public sealed record ProcCpuInfo(string? ModelName, int LogicalProcessors, int? PhysicalCores, IReadOnlySet<string> Flags)
{
    // Keys in the order they are preferred as a name: x86, MIPS, then ARM boards and SoCs.
    private static readonly string[] NameKeys = ["model name", "cpu model", "Model", "Hardware"];

    /// <summary>Reads the text of <c>/proc/cpuinfo</c>; unknown lines are ignored.</summary>
    public static ProcCpuInfo Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var cores = new HashSet<(string Package, string Core)>();
        HashSet<string>? flags = null;
        var processors = 0;
        string? package = null;
        string? core = null;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                EndBlock();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "physical id":
                    package = value;
                    break;
                case "core id":
                    core = value;
                    break;
                case "flags" or "Features" when flags is null:
                    flags = new HashSet<string>(
                        value.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        StringComparer.Ordinal);
                    break;
                default:
                    if (value.Length > 0 && Array.IndexOf(NameKeys, key) >= 0)
                    {
                        names.TryAdd(key, value);
                    }

                    break;
            }
        }

        EndBlock();
        var modelName = NameKeys.Select(k => names.GetValueOrDefault(k)).FirstOrDefault(n => n is not null);
        return new ProcCpuInfo(modelName, processors, cores.Count > 0 ? cores.Count : null, flags ?? []);

        void EndBlock()
        {
            if (core is not null)
            {
                cores.Add((package ?? "0", core));
            }

            package = null;
            core = null;
        }
    }
}
