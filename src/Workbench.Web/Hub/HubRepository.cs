using Workbench.Core.Estimation;
using Workbench.Core.Hub;
using Workbench.Core.Library;

namespace Workbench.Web.Hub;

/// <summary>A repository at a commit, its rows read from the files' headers.</summary>
/// <param name="Repo">The repository.</param>
/// <param name="Revision">The branch, tag or commit asked for.</param>
/// <param name="Commit">The commit it resolved to; every read of its rows was made at it.</param>
/// <param name="Gated">Whether downloading needs the licence accepted (and a token).</param>
/// <param name="Branches">Its branches (EXL2 repositories keep each bit rate on one).</param>
/// <param name="Rows">One per GGUF file, split set, projector or safetensors folder: first those of <paramref name="Revision"/>, then those of the other branches.</param>
public sealed record HubRepository(HubRepoId Repo, string Revision, string Commit, bool Gated, IReadOnlyList<HubRef> Branches, IReadOnlyList<HubModelRow> Rows);

/// <summary>One row of a repository: what it is and, once its headers were read, what the estimator needs.</summary>
/// <param name="Set">The files.</param>
/// <param name="Model">The estimation model; null for projectors and rows that could not be read.</param>
/// <param name="ModelFormat">The library's format of the files once downloaded (GPTQ, AWQ, EXL2 … from the quantization classifier).</param>
/// <param name="Format">How the weights are stored ("Q4_K_M", "GPTQ 4-bit g128" …).</param>
/// <param name="BitsPerWeight">Average bits per weight.</param>
/// <param name="ParameterCount">Weights.</param>
/// <param name="BytesRead">Bytes of the files fetched now for their headers (0 when all came from the cache).</param>
/// <param name="Problem">Why the row has no estimate.</param>
public sealed record HubModelRow(
    HubFileSet Set, EstimationModel? Model, ModelFormat ModelFormat, string? Format, double? BitsPerWeight, long? ParameterCount, long BytesRead, string? Problem)
{
    /// <summary>The branch (or tag or commit) the row's files are at; a download of the row uses it.</summary>
    public string Revision { get; init; } = string.Empty;

    /// <summary>The commit <see cref="Revision"/> resolved to.</summary>
    public string Commit { get; init; } = string.Empty;

    /// <summary>GGUF for GGUF files; a folder whose headers could not be classified counts as plain safetensors.</summary>
    public static ModelFormat FormatOf(HubFileSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Kind == HubFileSetKind.SafetensorsFolder ? ModelFormat.Safetensors : ModelFormat.Gguf;
    }
}
