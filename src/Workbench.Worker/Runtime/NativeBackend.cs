using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Workbench.Worker.Runtime;

/// <summary>
/// The llama.cpp native library: configured once before the first model load (LLamaSharp's
/// configuration is global and set-once) and described for the dashboard.
/// </summary>
public sealed class NativeBackend
{
    private readonly Lock _gate = new();
    private readonly ILogger<NativeBackend> _logger;
    private bool _configured;

    /// <summary>Creates the backend description; nothing native is loaded yet.</summary>
    public NativeBackend(ILogger<NativeBackend> logger)
    {
        _logger = logger;
        Log = new LlamaLogRelay(logger);
        BuildBackend = typeof(NativeBackend).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LlamaBackend")?.Value ?? "Cpu";
    }

    /// <summary>Where llama.cpp's log lines go: the worker's log, and a load's buffer measurement.</summary>
    public LlamaLogRelay Log { get; }

    /// <summary>Backend the worker was built with (the <c>LlamaBackend</c> MSBuild property).</summary>
    public string BuildBackend { get; }

    /// <summary>Routes llama.cpp's log lines to the worker's logger; must run before the library loads.</summary>
    public void EnsureConfigured()
    {
        lock (_gate)
        {
            if (_configured)
            {
                return;
            }

            _configured = true;
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                NativeLibraryConfig.All.WithLogCallback(Log);
            }
        }
    }

    /// <summary>Points llama.cpp's log at <see cref="Log"/> again, in case something else in the process took it over.</summary>
    public void ReclaimLog()
    {
        EnsureConfigured();
        NativeLogConfig.llama_log_set(Log);
    }

    /// <summary>Whether the loaded llama.cpp library has the RPC backend (loads the library).</summary>
    public bool SupportsRpc()
    {
        EnsureConfigured();
        return LLama.Native.NativeApi.llama_supports_rpc();
    }

    /// <summary>llama.cpp's own report of instruction sets and devices (loads the library).</summary>
    public string SystemInfo()
    {
        EnsureConfigured();
        return Marshal.PtrToStringAnsi(NativeApi.llama_print_system_info()) ?? string.Empty;
    }
}
