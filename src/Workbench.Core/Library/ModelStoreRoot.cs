namespace Workbench.Core.Library;

/// <summary>A folder to scan for models, and what kind of store it is.</summary>
/// <param name="Path">Full path of the folder.</param>
/// <param name="Source">The store's kind, which decides its layout.</param>
public sealed record ModelStoreRoot(string Path, ModelSource Source);
