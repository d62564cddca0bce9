using System.Diagnostics;
using System.Globalization;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// Reads NVIDIA GPUs through NVML. Following what NVML costs: names, UUIDs, memory bus width, maximum clocks and
/// driver versions are read once; temperature, power limit and PCIe link every
/// <see cref="GpuProbeOptions.SlowFieldInterval"/>; the process list every
/// <see cref="GpuProbeOptions.ProcessListInterval"/>; only memory, utilization, power draw and current clocks on
/// every read. A function that is missing or fails leaves its field null.
/// </summary>
public sealed class NvmlGpuProbe : IGpuProbe, IDisposable
{
    private const string Provider = "NVML";

    private readonly Lock _gate = new();
    private readonly NvmlLibrary _library;
    private readonly TimeProvider _time;
    private readonly GpuProbeOptions _options;
    private readonly DeviceState[] _devices;
    private readonly string? _driverVersion;
    private readonly string? _cudaDriverVersion;
    private bool _disposed;

    private NvmlGpuProbe(NvmlLibrary library, DeviceState[] devices, TimeProvider time, GpuProbeOptions options)
    {
        _library = library;
        _devices = devices;
        _time = time;
        _options = options;
        _driverVersion = library.DriverVersion();
        _cudaDriverVersion = library.CudaDriverVersion() is { } cuda
            ? string.Create(CultureInfo.InvariantCulture, $"{cuda / 1000}.{cuda % 1000 / 10}")
            : null;
    }

    /// <inheritdoc/>
    public string ProviderName => Provider;

    /// <inheritdoc/>
    public string? UnavailableReason => null;

    /// <summary>Where the NVML library was loaded from.</summary>
    public string LibraryPath => _library.LoadedFrom;

    /// <summary>
    /// Loads NVML (from <see cref="GpuProbeOptions.NvmlLibraryPath"/> or the OS default), initializes it and
    /// finds the GPUs. Null with a reason when the library is absent, will not initialize, or sees no GPU.
    /// </summary>
    public static NvmlGpuProbe? TryCreate(GpuProbeOptions options, TimeProvider time, out string? unavailableReason)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var configured = options.NvmlLibraryPath is { Length: > 0 } path ? path : null;
        var library = NvmlLibrary.TryLoad(configured is null ? NvmlLibrary.DefaultCandidates() : [configured]);
        if (library is null)
        {
            unavailableReason = configured is null ? "NVML library not present" : $"NVML library not present at {configured}";
            return null;
        }

        var initialized = false;
        try
        {
            var result = library.Init();
            if (result != NvmlLibrary.Success)
            {
                unavailableReason = $"NVML did not initialize: {library.ErrorString(result)}";
                return null;
            }

            initialized = true;
            result = library.DeviceCount(out var count);
            if (result != NvmlLibrary.Success)
            {
                unavailableReason = $"NVML could not count GPUs: {library.ErrorString(result)}";
                return null;
            }

            var devices = new List<DeviceState>();
            for (var index = 0u; index < count; index++)
            {
                // A GPU NVML cannot open (no permission, fallen off the bus) is left out; the others still show.
                if (library.DeviceHandle(index, out var handle) == NvmlLibrary.Success)
                {
                    devices.Add(DeviceState.Open(library, (int)index, handle));
                }
            }

            if (devices.Count == 0)
            {
                unavailableReason = count == 0 ? "NVML found no GPU" : "NVML found GPUs but could open none";
                return null;
            }

            var probe = new NvmlGpuProbe(library, [.. devices], time, options);
            library = null;
            unavailableReason = null;
            return probe;
        }
        finally
        {
            if (library is not null)
            {
                if (initialized)
                {
                    library.Shutdown();
                }

                library.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<GpuInfo> ReadGpus()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            return _devices.Select(device => Read(device, now)).ToList();
        }
    }

    /// <summary>Shuts NVML down and unloads it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _library.Shutdown();
            _library.Dispose();
        }
    }

    private GpuInfo Read(DeviceState device, DateTimeOffset now)
    {
        var handle = device.Handle;
        if (device.SlowReadAt is not { } slowAt || now - slowAt >= _options.SlowFieldInterval)
        {
            device.Temperature = (int?)_library.Temperature(handle);
            device.PowerLimitWatts = _library.EnforcedPowerLimitMilliwatts(handle) / 1000.0;
            device.PcieGeneration = (int?)_library.PcieLinkGeneration(handle);
            device.PcieWidth = (int?)_library.PcieLinkWidth(handle);
            device.SlowReadAt = now;
        }

        if (device.ProcessesReadAt is not { } processesAt || now - processesAt >= _options.ProcessListInterval)
        {
            device.Processes = ReadProcesses(handle);
            device.ProcessesReadAt = now;
        }

        var hasMemory = _library.Memory(handle, out var memory) == NvmlLibrary.Success;
        var hasUtilization = _library.Utilization(handle, out var utilization) == NvmlLibrary.Success;
        return new GpuInfo
        {
            Index = device.Index,
            Name = device.Name,
            Uuid = device.Uuid,
            MemoryTotalBytes = hasMemory ? Bytes(memory.Total) : null,
            MemoryUsedBytes = hasMemory ? Bytes(memory.Used) : null,
            MemoryFreeBytes = hasMemory ? Bytes(memory.Free) : null,
            GpuUtilizationPercent = hasUtilization ? (int)utilization.Gpu : null,
            MemoryUtilizationPercent = hasUtilization ? (int)utilization.Memory : null,
            TemperatureCelsius = device.Temperature,
            PowerDrawWatts = _library.PowerUsageMilliwatts(handle) / 1000.0,
            PowerLimitWatts = device.PowerLimitWatts,
            SmClockMhz = (int?)_library.ClockMhz(handle, NvmlLibrary.ClockSm),
            MemoryClockMhz = (int?)_library.ClockMhz(handle, NvmlLibrary.ClockMem),
            MaxMemoryClockMhz = device.MaxMemoryClockMhz,
            MemoryBusWidthBits = device.MemoryBusWidthBits,
            PcieLinkGeneration = device.PcieGeneration,
            PcieLinkWidth = device.PcieWidth,
            DriverVersion = _driverVersion,
            CudaDriverVersion = _cudaDriverVersion,
            Processes = device.Processes,
        };
    }

    private List<GpuProcessMemory> ReadProcesses(IntPtr handle)
    {
        var processes = _library.RunningProcesses(handle);
        if (processes is null)
        {
            return [];
        }

        return processes
            .Select(p => new GpuProcessMemory(
                (int)p.Pid,
                p.UsedGpuMemory == NvmlLibrary.ValueNotAvailable ? null : Bytes(p.UsedGpuMemory),
                _library.ProcessName(p.Pid) ?? LocalProcessName((int)p.Pid)))
            .ToList();
    }

    // Only a fallback: inside a container NVML reports the host's process ids, which this namespace may not have.
    private static string? LocalProcessName(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static long Bytes(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    /// <summary>One GPU: its handle, the readings taken once, and the cached slow readings.</summary>
    private sealed class DeviceState
    {
        public required int Index { get; init; }

        public required IntPtr Handle { get; init; }

        public string? Name { get; init; }

        public string? Uuid { get; init; }

        public int? MaxMemoryClockMhz { get; init; }

        public int? MemoryBusWidthBits { get; init; }

        public DateTimeOffset? SlowReadAt { get; set; }

        public int? Temperature { get; set; }

        public double? PowerLimitWatts { get; set; }

        public int? PcieGeneration { get; set; }

        public int? PcieWidth { get; set; }

        public DateTimeOffset? ProcessesReadAt { get; set; }

        public IReadOnlyList<GpuProcessMemory> Processes { get; set; } = [];

        public static DeviceState Open(NvmlLibrary library, int index, IntPtr handle) => new()
        {
            Index = index,
            Handle = handle,
            Name = library.Name(handle),
            Uuid = library.Uuid(handle),
            MaxMemoryClockMhz = (int?)library.MaxClockMhz(handle, NvmlLibrary.ClockMem),
            MemoryBusWidthBits = (int?)library.MemoryBusWidth(handle),
        };
    }
}
