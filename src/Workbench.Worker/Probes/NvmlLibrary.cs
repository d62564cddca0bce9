using System.Runtime.InteropServices;
using System.Text;

namespace Workbench.Worker.Probes;

/// <summary>
/// The NVIDIA Management Library loaded from a path or name, with each function bound on first use from the
/// library's exports. A function this driver version lacks is simply absent (its call returns
/// <see cref="FunctionNotFound"/>), so one missing symbol costs one field, not the probe. No unsafe code: the
/// exports are called through delegates with blittable arguments. Not thread-safe; the owner serializes calls
/// and must not call after <see cref="Dispose"/>.
/// </summary>
internal sealed class NvmlLibrary : IDisposable
{
    /// <summary>NVML_SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>NVML_ERROR_INSUFFICIENT_SIZE: the buffer was too small; the count now holds the size needed.</summary>
    public const int InsufficientSize = 7;

    /// <summary>NVML_ERROR_FUNCTION_NOT_FOUND: also returned here when the export is missing.</summary>
    public const int FunctionNotFound = 13;

    /// <summary>NVML_TEMPERATURE_GPU.</summary>
    public const int TemperatureGpu = 0;

    /// <summary>NVML_CLOCK_SM.</summary>
    public const int ClockSm = 1;

    /// <summary>NVML_CLOCK_MEM.</summary>
    public const int ClockMem = 2;

    /// <summary>NVML_VALUE_NOT_AVAILABLE, e.g. a process's memory under Windows WDDM.</summary>
    public const ulong ValueNotAvailable = ulong.MaxValue;

    // NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE, NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE.
    private const int NameBufferSize = 96;
    private const int UuidBufferSize = 96;
    private const int DriverVersionBufferSize = 80;
    private const int ProcessNameBufferSize = 256;

    private readonly Dictionary<string, Delegate?> _functions = new(StringComparer.Ordinal);
    private IntPtr _handle;

    private NvmlLibrary(IntPtr handle, string loadedFrom)
    {
        _handle = handle;
        LoadedFrom = loadedFrom;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int NoArguments();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int OutUInt(out uint value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int OutInt(out int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int HandleByIndex(uint index, out IntPtr device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceOutUInt(IntPtr device, out uint value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceKindOutUInt(IntPtr device, int kind, out uint value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceString(IntPtr device, [Out] byte[] buffer, uint length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SystemString([Out] byte[] buffer, uint length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ProcessString(uint pid, [Out] byte[] buffer, uint length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceMemory(IntPtr device, out NvmlMemory memory);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceUtilization(IntPtr device, out NvmlUtilization utilization);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceProcesses(IntPtr device, ref uint count, [In, Out] NvmlProcessInfo[]? infos);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ErrorText(int result);

    /// <summary>The name or path the library was loaded from.</summary>
    public string LoadedFrom { get; }

    /// <summary>
    /// Loads the first of <paramref name="candidates"/> that the OS can load (names go through the OS search
    /// path, paths are taken as given); null when none loads.
    /// </summary>
    public static NvmlLibrary? TryLoad(IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return new NvmlLibrary(handle, candidate);
            }
        }

        return null;
    }

    /// <summary>The default library names for this OS: libnvidia-ml.so.1 on Linux, nvml.dll on Windows.</summary>
    public static IReadOnlyList<string> DefaultCandidates()
    {
        if (OperatingSystem.IsWindows())
        {
            // Drivers since R410 put nvml.dll in System32; older ones only in the NVSMI folder.
            var programFiles = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
            return ["nvml.dll", Path.Combine(programFiles, "NVIDIA Corporation", "NVSMI", "nvml.dll")];
        }

        return ["libnvidia-ml.so.1", "libnvidia-ml.so"];
    }

    public int Init() => Call<NoArguments>("nvmlInit_v2")?.Invoke() ?? FunctionNotFound;

    public int Shutdown() => Call<NoArguments>("nvmlShutdown")?.Invoke() ?? FunctionNotFound;

    public int DeviceCount(out uint count) => Invoke("nvmlDeviceGetCount_v2", out count);

    public int DeviceHandle(uint index, out IntPtr device)
    {
        device = IntPtr.Zero;
        return Call<HandleByIndex>("nvmlDeviceGetHandleByIndex_v2")?.Invoke(index, out device) ?? FunctionNotFound;
    }

    public string? Name(IntPtr device) => ReadString("nvmlDeviceGetName", device, NameBufferSize);

    public string? Uuid(IntPtr device) => ReadString("nvmlDeviceGetUUID", device, UuidBufferSize);

    public int Memory(IntPtr device, out NvmlMemory memory)
    {
        memory = default;
        return Call<DeviceMemory>("nvmlDeviceGetMemoryInfo")?.Invoke(device, out memory) ?? FunctionNotFound;
    }

    public int Utilization(IntPtr device, out NvmlUtilization utilization)
    {
        utilization = default;
        return Call<DeviceUtilization>("nvmlDeviceGetUtilizationRates")?.Invoke(device, out utilization) ?? FunctionNotFound;
    }

    public uint? Temperature(IntPtr device) => Read("nvmlDeviceGetTemperature", device, TemperatureGpu);

    public uint? PowerUsageMilliwatts(IntPtr device) => Read("nvmlDeviceGetPowerUsage", device);

    public uint? EnforcedPowerLimitMilliwatts(IntPtr device) => Read("nvmlDeviceGetEnforcedPowerLimit", device);

    public uint? ClockMhz(IntPtr device, int clock) => Read("nvmlDeviceGetClockInfo", device, clock);

    public uint? MaxClockMhz(IntPtr device, int clock) => Read("nvmlDeviceGetMaxClockInfo", device, clock);

    public uint? MemoryBusWidth(IntPtr device) => Read("nvmlDeviceGetMemoryBusWidth", device);

    public uint? PcieLinkGeneration(IntPtr device) => Read("nvmlDeviceGetCurrPcieLinkGeneration", device);

    public uint? PcieLinkWidth(IntPtr device) => Read("nvmlDeviceGetCurrPcieLinkWidth", device);

    public string? DriverVersion()
    {
        var buffer = new byte[DriverVersionBufferSize];
        return Call<SystemString>("nvmlSystemGetDriverVersion")?.Invoke(buffer, (uint)buffer.Length) == Success ? Decode(buffer) : null;
    }

    /// <summary>CUDA version the driver supports, encoded as 1000 × major + 10 × minor (12040 is 12.4).</summary>
    public int? CudaDriverVersion()
    {
        var version = 0;
        return Call<OutInt>("nvmlSystemGetCudaDriverVersion_v2")?.Invoke(out version) == Success ? version : null;
    }

    public string? ProcessName(uint pid)
    {
        var buffer = new byte[ProcessNameBufferSize];
        return Call<ProcessString>("nvmlSystemGetProcessName")?.Invoke(pid, buffer, (uint)buffer.Length) == Success ? Decode(buffer) : null;
    }

    /// <summary>
    /// Processes with a compute (CUDA) or graphics context on the device, through the _v3 functions (or _v2,
    /// which take the same 24-byte record). Null when neither list could be read.
    /// </summary>
    public IReadOnlyList<NvmlProcessInfo>? RunningProcesses(IntPtr device)
    {
        var compute = ReadProcesses(device, "nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2");
        var graphics = ReadProcesses(device, "nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2");
        if (compute is null && graphics is null)
        {
            return null;
        }

        // A process using both compute and graphics is listed in both with the same memory figure.
        return (compute ?? []).Concat(graphics ?? []).DistinctBy(p => p.Pid).ToList();
    }

    /// <summary>NVML's text for a return code, e.g. "Driver Not Loaded".</summary>
    public string ErrorString(int result)
    {
        var text = Call<ErrorText>("nvmlErrorString")?.Invoke(result) is { } pointer && pointer != IntPtr.Zero
            ? Marshal.PtrToStringUTF8(pointer)
            : null;
        return $"{text ?? "NVML error"} ({result})";
    }

    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            _functions.Clear();
            NativeLibrary.Free(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private List<NvmlProcessInfo>? ReadProcesses(IntPtr device, string name, string fallbackName)
    {
        var function = Call<DeviceProcesses>(name) ?? Call<DeviceProcesses>(fallbackName);
        if (function is null)
        {
            return null;
        }

        // Processes may start between the sizing call and the read, so retry with room to spare.
        var buffer = new NvmlProcessInfo[8];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var count = (uint)buffer.Length;
            var result = function(device, ref count, buffer);
            if (result == Success)
            {
                return buffer.Take((int)Math.Min(count, (uint)buffer.Length)).ToList();
            }

            if (result != InsufficientSize || count > 4096)
            {
                return null;
            }

            buffer = new NvmlProcessInfo[count + 8];
        }

        return null;
    }

    private uint? Read(string name, IntPtr device)
    {
        uint value = 0;
        return Call<DeviceOutUInt>(name)?.Invoke(device, out value) == Success ? value : null;
    }

    private uint? Read(string name, IntPtr device, int kind)
    {
        uint value = 0;
        return Call<DeviceKindOutUInt>(name)?.Invoke(device, kind, out value) == Success ? value : null;
    }

    private int Invoke(string name, out uint value)
    {
        value = 0;
        return Call<OutUInt>(name)?.Invoke(out value) ?? FunctionNotFound;
    }

    private string? ReadString(string name, IntPtr device, int size)
    {
        var buffer = new byte[size];
        return Call<DeviceString>(name)?.Invoke(device, buffer, (uint)buffer.Length) == Success ? Decode(buffer) : null;
    }

    private static string? Decode(byte[] buffer)
    {
        var length = Array.IndexOf(buffer, (byte)0);
        var text = Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length).Trim();
        return text.Length > 0 ? text : null;
    }

    private T? Call<T>(string name)
        where T : Delegate
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        if (!_functions.TryGetValue(name, out var function))
        {
            function = NativeLibrary.TryGetExport(_handle, name, out var address)
                ? Marshal.GetDelegateForFunctionPointer<T>(address)
                : null;
            _functions[name] = function;
        }

        return (T?)function;
    }
}

/// <summary>nvmlMemory_t: frame-buffer memory in bytes. The field order is NVML's (total, free, used).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemory
{
    public ulong Total;
    public ulong Free;
    public ulong Used;
}

/// <summary>nvmlUtilization_t: percent of the last sample period the GPU and its memory were busy.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlUtilization
{
    public uint Gpu;
    public uint Memory;
}

/// <summary>
/// nvmlProcessInfo_t as the _v2 and _v3 process functions fill it (24 bytes with padding after the pid); the
/// unversioned function takes an older 16-byte record and is not bound.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlProcessInfo
{
    public uint Pid;
    public ulong UsedGpuMemory;
    public uint GpuInstanceId;
    public uint ComputeInstanceId;
}
