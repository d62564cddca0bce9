namespace Workbench.Core.Hardware;

/// <summary>Reads system memory and the worker's use of it.</summary>
public interface IMemoryProbe
{
    /// <summary>Current memory readings.</summary>
    MemoryInfo ReadMemory();
}
