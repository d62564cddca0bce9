using Workbench.Core.Formats;
using Workbench.Core.Gguf;

namespace Workbench.Core.Library;

/// <summary>
/// Finds the models under a folder and describes them. Pure file-system code: no database, no network.
/// <para>
/// Scanning is two steps so a caller with an index can skip unchanged models: <see cref="FindCandidates(ModelStoreRoot, CancellationToken)"/>
/// walks folders and reads only file-system metadata; <see cref="Describe"/> reads one candidate's headers and never
/// throws for a bad file (the descriptor carries the error instead).
/// </para>
/// <para>
/// What counts as a model: a <c>*.gguf</c> file (not a vision projector <c>mmproj*</c>); the parts of a split GGUF
/// (<c>name-00001-of-00003.gguf</c> …), as one model; a folder with <c>config.json</c> and safetensors weights. Within any
/// root, a <c>models--org--name</c> folder is read as a Hugging Face cache repository and a folder holding
/// <c>manifests/</c> and <c>blobs/</c> as an Ollama store. Hidden files and folders and downloads in progress
/// (see <see cref="ModelFileNames.IsPartialDownload"/>) are skipped. Folders are followed through symbolic links, each
/// real folder at most once, to at most <see cref="ModelScanOptions.MaxDepth"/> levels.
/// </para>
/// </summary>
public sealed class ModelFileScanner
{
    public ModelFileScanner(ModelScanOptions? options = null)
    {
        Options = options ?? ModelScanOptions.Default;
    }

    public ModelScanOptions Options { get; }

    /// <summary>Finds the models under <paramref name="rootPath"/> (nothing when it does not exist).</summary>
    public IEnumerable<ModelCandidate> FindCandidates(
        string rootPath, ModelSource source = ModelSource.ModelRoot, CancellationToken cancellationToken = default) =>
        FindCandidates(new ModelStoreRoot(rootPath, source), cancellationToken);

    /// <summary>Finds the models under <paramref name="root"/> (nothing when it does not exist). Enumerated lazily.</summary>
    public IEnumerable<ModelCandidate> FindCandidates(ModelStoreRoot root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrEmpty(root.Path);
        var rootPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root.Path));
        return Walk(rootPath, root.Source, cancellationToken);
    }

    /// <summary>A fresh walk (and set of visited folders) for every enumeration.</summary>
    private IEnumerable<ModelCandidate> Walk(string rootPath, ModelSource source, CancellationToken cancellationToken)
    {
        foreach (var candidate in new ModelTreeWalk(Options, source, rootPath, cancellationToken).Run())
        {
            yield return candidate;
        }
    }

    /// <summary>Finds and describes every model under <paramref name="root"/>.</summary>
    public IEnumerable<ModelDescriptor> Scan(ModelStoreRoot root, CancellationToken cancellationToken = default) =>
        FindCandidates(root, cancellationToken).Select(Describe);

    /// <summary>
    /// Reads a candidate's headers and side files. A file that is missing, unreadable, malformed or inconsistent gives a
    /// descriptor with <see cref="ModelDescriptor.Error"/> set rather than an exception.
    /// </summary>
    public static ModelDescriptor Describe(ModelCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        try
        {
            // A file swapped for a named pipe or device since the walk would block the reader or never end.
            if (candidate.Kind != ModelCandidateKind.SafetensorsFolder && File.Exists(candidate.PrimaryPath) && !RegularFile.Is(candidate.PrimaryPath))
            {
                return Unreadable(candidate, $"'{candidate.PrimaryPath}' is not a regular file (a named pipe, socket or device?).");
            }

            return candidate.Kind switch
            {
                ModelCandidateKind.GgufFile or ModelCandidateKind.GgufSplitSet => GgufModelDescriber.Describe(candidate),
                ModelCandidateKind.SafetensorsFolder => SafetensorsModelDescriber.Describe(candidate),
                ModelCandidateKind.OllamaManifest => GgufModelDescriber.DescribeOllama(candidate),
                _ => throw new ArgumentOutOfRangeException(nameof(candidate), candidate.Kind, "Unknown candidate kind."),
            };
        }
        catch (Exception e) when (IsProblemWithTheFiles(e))
        {
            return Unreadable(candidate, e.Message);
        }
    }

    private static bool IsProblemWithTheFiles(Exception e) =>
        e is ModelFormatException
            or GgufFormatException
            or IOException
            or UnauthorizedAccessException
            or InvalidDataException
            or OverflowException
            or NotSupportedException
            or ArgumentException
            or System.Security.SecurityException;

    /// <summary>A descriptor that lists the candidate with <paramref name="error"/> instead of its facts.</summary>
    public static ModelDescriptor Unreadable(ModelCandidate candidate, string error) => new()
    {
        Id = candidate.Id,
        Name = candidate.Name,
        Format = candidate.Kind == ModelCandidateKind.SafetensorsFolder ? ModelFormat.Safetensors : ModelFormat.Gguf,
        FileBytes = candidate.TotalBytes,
        PrimaryPath = candidate.PrimaryPath,
        Files = candidate.Files.Select(f => f.Path).ToList(),
        Source = candidate.Source,
        SourceRoot = candidate.SourceRoot,
        OllamaName = candidate.OllamaName,
        Error = error,
        Fingerprint = candidate.Fingerprint,
    };
}
