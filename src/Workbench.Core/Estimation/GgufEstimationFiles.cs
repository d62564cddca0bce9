using Workbench.Core.Gguf;
using Workbench.Core.Library;

namespace Workbench.Core.Estimation;

/// <summary>The estimation model of a GGUF library model: from its one file, or from every part of a split set.</summary>
public static class GgufEstimationFiles
{
    /// <summary>Reads the headers of <paramref name="descriptor"/>'s GGUF files.</summary>
    /// <exception cref="GgufFormatException">A header is not valid GGUF.</exception>
    /// <exception cref="IOException">A file could not be read.</exception>
    public static EstimationModel Read(ModelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var parts = descriptor.Files.Where(f => f.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        return parts.Count > 1
            ? EstimationModel.FromGgufSplits([.. parts.Select(GgufReader.ReadFile)])
            : EstimationModel.FromGguf(GgufReader.ReadFile(descriptor.PrimaryPath));
    }
}
