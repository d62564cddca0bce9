namespace Workbench.Core.Hub;

/// <summary>Where the hub is and how to sign in to it.</summary>
public sealed record HubClientOptions
{
    /// <summary>The public hub.</summary>
    public static readonly Uri PublicEndpoint = new("https://huggingface.co");

    /// <summary>Base address of the hub (its API is under /api, files under /{repo}/resolve).</summary>
    public Uri Endpoint { get; init; } = PublicEndpoint;

    /// <summary>Access token; sent only to <see cref="Endpoint"/>'s own origin, never to the storage it redirects downloads to.</summary>
    public string? Token { get; init; }

    /// <summary>Largest JSON answer read (search, model info, one page of a file listing).</summary>
    public int MaxJsonBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Most files listed for one repository revision.</summary>
    public int MaxTreeEntries { get; init; } = 100_000;
}
