using System.Globalization;
using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>How model figures read on the pages: sizes in binary units (GiB, MiB) as everywhere on the pages, parameters in billions.</summary>
public static class ModelDisplay
{
    /// <summary>e.g. "4.6 GiB", "512 MiB": the one size convention of every page (<see cref="Workbench.Core.Estimation.ByteSize.Format"/>).</summary>
    public static string Bytes(long bytes) => Workbench.Core.Estimation.ByteSize.Format(bytes);

    /// <summary>e.g. "8.03B", "135M", "—" when unknown.</summary>
    public static string Parameters(long? count) => count switch
    {
        null => "—",
        >= 1_000_000_000 => (count.Value / 1e9).ToString("F2", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (count.Value / 1e6).ToString("F0", CultureInfo.InvariantCulture) + "M",
        _ => (count.Value / 1e3).ToString("F0", CultureInfo.InvariantCulture) + "K",
    };

    /// <summary>e.g. "4.85".</summary>
    public static string Bits(double? bits) => bits is { } b ? b.ToString("F2", CultureInfo.InvariantCulture) : "—";

    /// <summary>e.g. "8k", "128k".</summary>
    public static string Context(long? tokens) => tokens switch
    {
        null => "—",
        >= 1024 when tokens % 1024 == 0 => (tokens.Value / 1024).ToString(CultureInfo.InvariantCulture) + "k",
        _ => tokens.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>Where the model came from, in words.</summary>
    public static string Source(ModelSource source) => source switch
    {
        ModelSource.HuggingFaceCache => "Hugging Face cache",
        ModelSource.LmStudio => "LM Studio",
        ModelSource.Ollama => "Ollama",
        ModelSource.TextGenerationWebUi => "text-generation-webui",
        _ => "Model folder",
    };
}
