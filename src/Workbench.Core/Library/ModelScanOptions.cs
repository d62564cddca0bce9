namespace Workbench.Core.Library;

/// <summary>Limits of a <see cref="ModelFileScanner"/> walk.</summary>
public sealed record ModelScanOptions
{
    public static ModelScanOptions Default { get; } = new();

    /// <summary>
    /// How many folder levels below a root (or below a Hugging Face snapshot) the scanner descends. The default, 8, covers
    /// every store layout in use (LM Studio is 2 deep, Ollama manifests 4) with room for a user's own folders.
    /// </summary>
    public int MaxDepth { get; init; } = 8;

    /// <summary>
    /// Follow symbolic links (folders and files) that lead out of the root. Off by default so a link can
    /// never make the dashboard read, list or hand to the worker a file outside the folders the owner chose;
    /// links that stay inside the root (the Hugging Face cache's snapshots → blobs) are always followed.
    /// </summary>
    public bool FollowLinksOutsideRoot { get; init; }
}
