using Workbench.Core.Estimation;
using Workbench.Core.Hub;

namespace Workbench.Web.Hub;

/// <summary>A repository at a commit, its rows read from the files' headers.</summary>
/// <param name="Repo">The repository.</param>
/// <param name="Revision">The branch, tag or commit asked for.</param>
/// <param name="Commit">The commit it resolved to; every read was made at it.</param>
/// <param name="Gated">Whether downloading needs the licence accepted (and a token).</param>
/// <param name="Branches">Its branches (EXL2 repositories keep each bit rate on one).</param>
/// <param name="Rows">One per GGUF file, split set, projector or safetensors folder.</param>
public sealed record HubRepository(HubRepoId Repo, string Revision, string Commit, bool Gated, IReadOnlyList<HubRef> Branches, IReadOnlyList<HubModelRow> Rows);

/// <summary>One row of a repository: what it is and, once its headers were read, what the estimator needs.</summary>
/// <param name="Set">The files.</param>
/// <param name="Model">The estimation model; null for projectors and rows that could not be read.</param>
/// <param name="Format">How the weights are stored ("Q4_K_M", "GPTQ 4-bit g128" …).</param>
/// <param name="BitsPerWeight">Average bits per weight.</param>
/// <param name="ParameterCount">Weights.</param>
/// <param name="BytesRead">Bytes of the files fetched now for their headers (0 when all came from the cache).</param>
/// <param name="Problem">Why the row has no estimate.</param>
public sealed record HubModelRow(HubFileSet Set, EstimationModel? Model, string? Format, double? BitsPerWeight, long? ParameterCount, long BytesRead, string? Problem);
