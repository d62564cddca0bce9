namespace Workbench.Core.Hardware;

/// <summary>Reads the file system and drive under a path.</summary>
public interface IDiskProbe
{
    /// <summary>
    /// Space and drive kind of the file system holding <paramref name="path"/> (or its nearest existing parent);
    /// readings the OS does not give are null.
    /// </summary>
    DiskInfo ReadDisk(string path);
}
