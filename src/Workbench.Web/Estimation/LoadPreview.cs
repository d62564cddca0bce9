using Workbench.Core.Estimation;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>What a chat load with the settings chosen by hand would take, for the verdict beside the load controls.</summary>
/// <param name="Estimate">The estimate on <paramref name="Worker"/>; null when there is none (see <paramref name="Problem"/>).</param>
/// <param name="Worker">Where the model would be loaded; null when no worker is connected.</param>
/// <param name="Problem">Why llama.cpp would refuse these choices; null when it would take them.</param>
public sealed record LoadPreview(MemoryEstimate? Estimate, ConnectedWorker? Worker, string? Problem);
