using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workbench.Core.Library;

/// <summary>What kind of thing a <see cref="ModelCandidate"/> is.</summary>
public enum ModelCandidateKind
{
    /// <summary>One GGUF file.</summary>
    GgufFile,

    /// <summary>The parts of a split GGUF model (<c>name-00001-of-00003.gguf</c> …).</summary>
    GgufSplitSet,

    /// <summary>A Hugging Face model folder: config.json and safetensors weights.</summary>
    SafetensorsFolder,

    /// <summary>An Ollama manifest naming a GGUF blob.</summary>
    OllamaManifest,
}

/// <summary>Size and modification time of one file, as the scanner saw it (for a symbolic link: of the file it points to).</summary>
public sealed record FileFingerprint(string Path, long Length, DateTime LastWriteTimeUtc)
{
    /// <summary>The fingerprint of <paramref name="file"/>, following symbolic links; null when it (or its target) does not exist.</summary>
    public static FileFingerprint? Of(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            if (target is null || !target.Exists)
            {
                return null;
            }

            return new FileFingerprint(file.FullName, target.Length, target.LastWriteTimeUtc);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// A model found on disk but not yet read: cheap to produce (file-system metadata only). An index can compare
/// <see cref="Fingerprint"/> with the one stored for <see cref="Id"/> and call
/// <see cref="ModelFileScanner.Describe"/> only for candidates that are new or changed.
/// </summary>
public sealed record ModelCandidate
{
    public required ModelCandidateKind Kind { get; init; }

    /// <summary>Display name (see <see cref="ModelDescriptor.Name"/>).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The GGUF file (for a split set the first part, named by the pattern even when it is missing), the model folder,
    /// or the Ollama manifest.
    /// </summary>
    public required string PrimaryPath { get; init; }

    /// <summary>The files seen, with sizes and times: GGUF parts in order; a folder's files; an Ollama manifest.</summary>
    public required IReadOnlyList<FileFingerprint> Files { get; init; }

    public required ModelSource Source { get; init; }

    /// <summary>The root the scan started from.</summary>
    public required string SourceRoot { get; init; }

    /// <summary>"name:tag" for an Ollama manifest.</summary>
    public string? OllamaName { get; init; }

    /// <summary>For an Ollama manifest: the models folder holding <c>manifests/</c> and <c>blobs/</c>.</summary>
    public string? StoreDirectory { get; init; }

    /// <summary>For a split set: the part count its file names state ("-of-00003" → 3).</summary>
    public int? ExpectedPartCount { get; init; }

    /// <summary>
    /// The path the id is made from, when it is not <see cref="PrimaryPath"/>: in the Hugging Face cache the repository
    /// folder plus the path inside the snapshot, so a model keeps its id when a new revision is downloaded.
    /// </summary>
    public string? IdentityPath { get; init; }

    /// <summary>The id the descriptor will have: <see cref="ModelDescriptor.CreateId"/> of <see cref="IdentityPath"/>, else of <see cref="PrimaryPath"/>.</summary>
    public string Id => ModelDescriptor.CreateId(IdentityPath ?? PrimaryPath);

    /// <summary>
    /// SHA-256 (hex) over every file's path, length and modification time: it changes when any file of the model is
    /// added, removed, resized or rewritten.
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder();
            foreach (var file in Files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                text.Append(file.Path).Append('\n')
                    .Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append('\n')
                    .Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <summary>Sum of the lengths of <see cref="Files"/>.</summary>
    public long TotalBytes => Files.Sum(f => f.Length);
}
