using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// Reads the CPU. On Linux the name, core counts and feature flags come from <c>/proc/cpuinfo</c> (what the kernel
/// enabled, as lscpu shows it) and the load from <c>/proc/stat</c>; elsewhere the flags come from .NET's
/// hardware intrinsics and CPUID, the name from the CPUID brand string, and the load is not known.
/// </summary>
public sealed class SystemCpuProbe : ICpuProbe
{
    private readonly string _procRoot;
    private readonly Lock _gate = new();
    private CpuInfo? _cpu;
    private CpuTimes? _previousTimes;

    /// <summary>A probe reading the real <c>/proc</c>.</summary>
    public SystemCpuProbe()
        : this("/proc")
    {
    }

    /// <summary>A probe reading <c>cpuinfo</c> and <c>stat</c> under another folder (tests).</summary>
    internal SystemCpuProbe(string procRoot) => _procRoot = procRoot;

    /// <inheritdoc/>
    public CpuInfo ReadCpu()
    {
        lock (_gate)
        {
            return _cpu ??= Describe(ProbeFiles.TryReadText(Path.Combine(_procRoot, "cpuinfo")) is { } text ? ProcCpuInfo.Parse(text) : null);
        }
    }

    /// <inheritdoc/>
    public double? SampleUtilizationPercent()
    {
        if (ProbeFiles.TryReadText(Path.Combine(_procRoot, "stat")) is not { } text || CpuTimes.ParseProcStat(text) is not { } times)
        {
            return null;
        }

        lock (_gate)
        {
            var previous = _previousTimes;
            _previousTimes = times;
            return previous is { } earlier ? times.UtilizationPercentSince(earlier) : null;
        }
    }

    /// <summary>Combines what <c>/proc/cpuinfo</c> said (null off Linux) with what the process can see itself.</summary>
    internal static CpuInfo Describe(ProcCpuInfo? proc)
    {
        var architecture = RuntimeInformation.ProcessArchitecture;
        var isX86 = architecture is Architecture.X64 or Architecture.X86;
        var features = proc is { Flags.Count: > 0 } && isX86 ? FromFlags(proc.Flags) : FromIntrinsics();
        return new CpuInfo
        {
            ModelName = proc?.ModelName ?? BrandString(),
            Architecture = architecture,
            PhysicalCores = proc?.PhysicalCores,
            LogicalProcessors = proc is { LogicalProcessors: > 0 } ? proc.LogicalProcessors : Environment.ProcessorCount,
            ProcessorsAvailable = Environment.ProcessorCount,
            HasAvx = features.Avx,
            HasAvx2 = features.Avx2,
            HasAvx512F = features.Avx512F,
            HasFma = features.Fma,
            HasF16C = features.F16C,
        };
    }

    private static Features FromFlags(IReadOnlySet<string> flags) => new(
        flags.Contains("avx"), flags.Contains("avx2"), flags.Contains("avx512f"), flags.Contains("fma"), flags.Contains("f16c"));

    private static Features FromIntrinsics()
    {
        // .NET has no F16C class; CPUID leaf 1 reports it in ECX bit 29, usable only where the OS enabled AVX state.
        var f16c = X86Base.IsSupported && Avx.IsSupported && (X86Base.CpuId(1, 0).Ecx & (1 << 29)) != 0;
        return new Features(Avx.IsSupported, Avx2.IsSupported, Avx512F.IsSupported, Fma.IsSupported, f16c);
    }

    /// <summary>The processor brand string from CPUID leaves 0x80000002–4; null off x86.</summary>
    private static string? BrandString()
    {
        const int FirstBrandLeaf = unchecked((int)0x80000002);
        if (!X86Base.IsSupported || (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x80000004)
        {
            return null;
        }

        Span<byte> brand = stackalloc byte[48];
        for (var leaf = 0; leaf < 3; leaf++)
        {
            var (eax, ebx, ecx, edx) = X86Base.CpuId(FirstBrandLeaf + leaf, 0);
            var block = brand.Slice(leaf * 16, 16);
            BinaryPrimitives.WriteInt32LittleEndian(block, eax);
            BinaryPrimitives.WriteInt32LittleEndian(block[4..], ebx);
            BinaryPrimitives.WriteInt32LittleEndian(block[8..], ecx);
            BinaryPrimitives.WriteInt32LittleEndian(block[12..], edx);
        }

        var end = brand.IndexOf((byte)0);
        var text = Encoding.ASCII.GetString(end < 0 ? brand : brand[..end]).Trim();
        return text.Length > 0 ? text : null;
    }

    private readonly record struct Features(bool Avx, bool Avx2, bool Avx512F, bool Fma, bool F16C);
}
