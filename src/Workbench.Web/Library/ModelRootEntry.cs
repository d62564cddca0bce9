using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>One folder the library scans.</summary>
/// <param name="Root">The folder and its store layout.</param>
/// <param name="Origin">Why it is scanned.</param>
/// <param name="Exists">Whether the folder is there now (a missing one is skipped, not an error).</param>
public sealed record ModelRootEntry(ModelStoreRoot Root, ModelRootOrigin Origin, bool Exists);
