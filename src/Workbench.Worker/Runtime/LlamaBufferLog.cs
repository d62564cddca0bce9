using System.Globalization;
using System.Text.RegularExpressions;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Runtime;

/// <summary>
/// Sums llama.cpp's buffer log lines ("load_tensors:   CPU_Mapped model buffer size =  85.08 MiB",
/// "llama_kv_cache:   CUDA0 KV buffer size = 1024.00 MiB", "sched_reserve: CPU compute buffer size = 22.01 MiB").
/// </summary>
public sealed partial class LlamaBufferLog
{
    private readonly Lock _gate = new();
    private double _model;
    private double _kv;
    private double _compute;
    private double _output;
    private double _gpu;

    /// <summary>Whether any buffer line was seen.</summary>
    public bool SawAny { get; private set; }

    /// <summary>Feeds one log message; lines that are not buffer sizes are ignored.</summary>
    public void Add(string message)
    {
        foreach (Match match in BufferLine().Matches(message))
        {
            var bytes = double.Parse(match.Groups["mib"].Value, CultureInfo.InvariantCulture) * 1024 * 1024;
            lock (_gate)
            {
                SawAny = true;
                switch (match.Groups["kind"].Value)
                {
                    case "model": _model += bytes; break;
                    case "KV": _kv += bytes; break;
                    case "compute": _compute += bytes; break;
                    default: _output += bytes; break;
                }

                // "CPU", "CPU_Mapped" and "CUDA_Host" (pinned system memory) are RAM; "CUDA0", "Vulkan1"… are GPUs.
                var device = match.Groups["device"].Value;
                if (!device.StartsWith("CPU", StringComparison.OrdinalIgnoreCase) && !device.EndsWith("_Host", StringComparison.OrdinalIgnoreCase))
                {
                    _gpu += bytes;
                }
            }
        }
    }

    /// <summary>The sums so far, or null when llama.cpp logged no buffer sizes.</summary>
    public LlamaBuffers? Result()
    {
        lock (_gate)
        {
            return SawAny ? new LlamaBuffers((long)_model, (long)_kv, (long)_compute, (long)_output, (long)_gpu) : null;
        }
    }

    [GeneratedRegex(@"(?<device>[A-Za-z0-9_]+)\s+(?<kind>model|KV|compute|output) buffer size =\s*(?<mib>[0-9.]+) MiB")]
    private static partial Regex BufferLine();
}
