namespace Workbench.Core.Hardware;

/// <summary>Measures how fast system memory can be streamed.</summary>
public interface IMemoryBandwidthProbe
{
    /// <summary>Bytes per second read and written by a memory copy, or null when it could not be measured.</summary>
    long? MeasureBytesPerSecond();
}
