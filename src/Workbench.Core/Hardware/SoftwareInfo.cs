using System.Runtime.InteropServices;

namespace Workbench.Core.Hardware;

/// <summary>Software the worker runs on.</summary>
/// <param name="OsDescription">Operating system, e.g. "Ubuntu 24.04.1 LTS" or the kernel string .NET reports.</param>
/// <param name="DotNetVersion">Runtime, e.g. ".NET 10.0.1".</param>
/// <param name="Backend">llama.cpp backend of the worker, e.g. "Cpu" or "Cuda12".</param>
/// <param name="SupportsRpc">
/// Whether the worker's llama.cpp library has the RPC backend (<c>llama_supports_rpc</c>), which splitting one model
/// over several machines would need; null when the worker did not say.
/// </param>
public sealed record SoftwareInfo(string OsDescription, string DotNetVersion, string Backend, bool? SupportsRpc = null)
{
    /// <summary>The software of the current process, with the given backend name.</summary>
    public static SoftwareInfo OfCurrentProcess(string backend) =>
        new(RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, backend);
}
