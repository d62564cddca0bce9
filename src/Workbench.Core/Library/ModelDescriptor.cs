using System.Security.Cryptography;
using System.Text;

namespace Workbench.Core.Library;

/// <summary>
/// Everything the dashboard shows about one model a user owns, and what a memory estimator needs. A model that could
/// not be read still gets a descriptor, with <see cref="Error"/> set and the facts that need parsing left empty, so the
/// UI can show it rather than hide it.
/// </summary>
public sealed record ModelDescriptor
{
    /// <summary>
    /// Stable identifier: <see cref="CreateId"/> of the candidate's path — the GGUF file (first part), the model folder,
    /// the Ollama manifest (so each name:tag has its own id even when tags share a blob), or in the Hugging Face cache the
    /// repository folder plus the path inside the snapshot (so the id survives a new revision).
    /// </summary>
    public required string Id { get; init; }

    /// <summary>Display name: "org/name" in the Hugging Face cache, "name:tag" for Ollama, else the file or folder name.</summary>
    public required string Name { get; init; }

    public required ModelFormat Format { get; init; }

    /// <summary>"Q4_K_M", "GPTQ 4-bit g128", "AWQ 4-bit g128", "EXL2 4.65 bpw", "BF16" …; null when unknown.</summary>
    public string? QuantLabel { get; init; }

    /// <summary>Effective bits per weight: tensor bytes × 8 / parameters (EXL2: the stated average bits).</summary>
    public double? BitsPerWeight { get; init; }

    /// <summary>Bytes of all the files that make the model (every split part, every shard and side file, every Ollama layer).</summary>
    public long FileBytes { get; init; }

    /// <summary>Weights of the model, packed formats counted unpacked (see <c>QuantizationClassifier</c>).</summary>
    public long? ParameterCount { get; init; }

    public ModelArchitecture Architecture { get; init; } = ModelArchitecture.Unknown;

    /// <summary>Jinja chat template (GGUF <c>tokenizer.chat_template</c>, or the HF tokenizer config / chat_template.jinja).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>What a loader opens: the GGUF file (first part of a split set; for Ollama the model blob) or the model folder.</summary>
    public required string PrimaryPath { get; init; }

    /// <summary>Every file of the model.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public required ModelSource Source { get; init; }

    /// <summary>The store or model root the model was found under.</summary>
    public required string SourceRoot { get; init; }

    /// <summary>"llama3:8b" for an Ollama model; otherwise null.</summary>
    public string? OllamaName { get; init; }

    /// <summary>Why the model could not be read; null when it was.</summary>
    public string? Error { get; init; }

    /// <summary>All stored tensors with exact byte sizes; empty when the model could not be read.</summary>
    public IReadOnlyList<TensorSummary> Tensors { get; init; } = [];

    /// <summary>
    /// The worker machine whose own disk holds the model (its <c>Workbench:Worker:ModelRoots</c>), which is the only place
    /// it can load; null for the dashboard's model folders.
    /// </summary>
    public string? Machine { get; init; }

    /// <summary>The <see cref="ModelCandidate.Fingerprint"/> the descriptor was made from, for an index to compare against.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>
    /// The first 16 hex digits of the SHA-256 of the normalized full path (trailing separators removed; upper-cased on
    /// Windows, whose file names ignore case). The same path always gives the same id, on any run.
    /// </summary>
    public static string CreateId(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (OperatingSystem.IsWindows())
        {
            normalized = normalized.ToUpperInvariant();
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(normalized), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
