using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Core.Library;

/// <summary>File-name rules of the scanner: what is a download in progress, what is a GGUF part, what is not a model.</summary>
public static partial class ModelFileNames
{
    /// <summary>Suffixes downloaders give files they are still writing.</summary>
    public static IReadOnlyList<string> PartialDownloadSuffixes { get; } =
        [".part", ".partial", ".incomplete", ".tmp", ".temp", ".downloading", ".download", ".crdownload", ".aria2"];

    /// <summary>
    /// True for a file that is still being downloaded: it ends in a partial-download suffix, or it is Ollama's
    /// "sha256-…-partial" blob.
    /// </summary>
    public static bool IsPartialDownload(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        foreach (var suffix in PartialDownloadSuffixes)
        {
            if (fileName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return OllamaPartialBlob().IsMatch(fileName);
    }

    /// <summary>Hidden files and folders (".git", a writer's ".model.gguf.1234.tmp") are never models.</summary>
    public static bool IsHidden(string name) => name.StartsWith('.');

    public static bool IsGguf(string fileName) => fileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    public static bool IsSafetensors(string fileName) => fileName.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>A vision projector (<c>mmproj-*.gguf</c>) is loaded with a model, not on its own.</summary>
    public static bool IsProjector(string fileName) => fileName.StartsWith("mmproj", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses llama.cpp's split naming, "name-00002-of-00003.gguf" → ("name", 2, 3).</summary>
    public static bool TryParseSplitPart(string fileName, out string baseName, out int partNumber, out int partCount)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var match = SplitPattern().Match(fileName);
        baseName = match.Success ? match.Groups["base"].Value : string.Empty;
        partNumber = match.Success ? int.Parse(match.Groups["no"].Value, CultureInfo.InvariantCulture) : 0;
        partCount = match.Success ? int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture) : 0;
        return match.Success && partNumber >= 1 && partCount >= 1 && partNumber <= partCount;
    }

    /// <summary>The file name without ".gguf" (or any extension).</summary>
    public static string Stem(string fileName) => Path.GetFileNameWithoutExtension(fileName);

    /// <summary>Ollama pulls into "sha256-&lt;hex&gt;-partial" and "sha256-&lt;hex&gt;-partial-&lt;n&gt;".</summary>
    [GeneratedRegex(@"-partial(-\d+)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OllamaPartialBlob();

    [GeneratedRegex(@"^(?<base>.+)-(?<no>\d{5})-of-(?<count>\d{5})\.gguf$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SplitPattern();
}
