using System.Runtime.InteropServices;

namespace Workbench.Core.Hardware;

/// <summary>The machine's CPU and the instruction sets llama.cpp's CPU kernels care about.</summary>
public sealed record CpuInfo
{
    /// <summary>Model name, e.g. "AMD Ryzen 9 7950X 16-Core Processor"; null when the OS does not say.</summary>
    public string? ModelName { get; init; }

    /// <summary>Architecture of the CPU the process runs on.</summary>
    public Architecture Architecture { get; init; }

    /// <summary>Physical cores over all sockets; null when the OS does not say.</summary>
    public int? PhysicalCores { get; init; }

    /// <summary>Hardware threads of the machine.</summary>
    public required int LogicalProcessors { get; init; }

    /// <summary>Hardware threads this process may use (affinity and container limits applied).</summary>
    public required int ProcessorsAvailable { get; init; }

    /// <summary>AVX (256-bit float vectors).</summary>
    public bool HasAvx { get; init; }

    /// <summary>AVX2 (256-bit integer vectors): the baseline llama.cpp's quantized CPU kernels are tuned for.</summary>
    public bool HasAvx2 { get; init; }

    /// <summary>AVX-512 Foundation.</summary>
    public bool HasAvx512F { get; init; }

    /// <summary>Fused multiply-add (FMA3).</summary>
    public bool HasFma { get; init; }

    /// <summary>Half-precision conversion (F16C).</summary>
    public bool HasF16C { get; init; }

    /// <summary>Whether the AVX family applies at all (x86 and x64; ARM uses NEON instead).</summary>
    public bool IsX86 => Architecture is Architecture.X64 or Architecture.X86;

    /// <summary>A warning for x86 CPUs without AVX2; null otherwise.</summary>
    public string? MissingAvx2Warning => IsX86 && !HasAvx2
        ? "This CPU lacks AVX2: llama.cpp's CPU kernels fall back to slower code, so generation on the CPU "
          + "(and any layers not offloaded to a GPU) will be several times slower."
        : null;
}
