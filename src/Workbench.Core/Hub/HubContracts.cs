using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Core.Hub;

/// <summary>One search result of <c>GET /api/models</c>.</summary>
public sealed record HubModelSummary
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("downloads")]
    public long Downloads { get; init; }

    [JsonPropertyName("likes")]
    public long Likes { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonPropertyName("pipeline_tag")]
    public string? PipelineTag { get; init; }

    [JsonPropertyName("library_name")]
    public string? LibraryName { get; init; }

    [JsonPropertyName("lastModified")]
    public DateTimeOffset? LastModified { get; init; }

    [JsonPropertyName("private")]
    public bool Private { get; init; }
}

/// <summary>A repository at a revision, from <c>GET /api/models/{repo}[/revision/{rev}]</c>.</summary>
public sealed record HubModelInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The commit the revision resolved to.</summary>
    [JsonPropertyName("sha")]
    public string? Sha { get; init; }

    /// <summary>false, "auto" or "manual": gated repositories need an accepted licence and a token.</summary>
    [JsonPropertyName("gated")]
    public JsonElement Gated { get; init; }

    [JsonPropertyName("private")]
    public bool Private { get; init; }

    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonPropertyName("lastModified")]
    public DateTimeOffset? LastModified { get; init; }

    [JsonPropertyName("siblings")]
    public IReadOnlyList<HubSibling> Siblings { get; init; } = [];

    /// <summary>Whether downloading needs the licence accepted on the hub first.</summary>
    [JsonIgnore]
    public bool IsGated => Gated.ValueKind == JsonValueKind.String || Gated.ValueKind == JsonValueKind.True;
}

/// <summary>A file name in <see cref="HubModelInfo.Siblings"/>.</summary>
public sealed record HubSibling([property: JsonPropertyName("rfilename")] string FileName);

/// <summary>One entry of <c>GET /api/models/{repo}/tree/{rev}</c>.</summary>
public sealed record HubTreeEntry
{
    /// <summary>"file" or "directory".</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Path from the repository root.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Size in bytes (of the real file for LFS files).</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>Git blob id.</summary>
    [JsonPropertyName("oid")]
    public string? Oid { get; init; }

    /// <summary>Set for files stored in LFS: their SHA-256 and size.</summary>
    [JsonPropertyName("lfs")]
    public HubLfsInfo? Lfs { get; init; }

    [JsonIgnore]
    public bool IsFile => Type == "file";

    /// <summary>The SHA-256 the hub lists for the file's content (lower-case hex), when it is an LFS file.</summary>
    [JsonIgnore]
    public string? Sha256 => Lfs?.Oid is { Length: 64 } oid && oid.All(Uri.IsHexDigit) ? oid.ToLowerInvariant() : null;
}

/// <summary>The LFS part of a tree entry.</summary>
public sealed record HubLfsInfo
{
    /// <summary>SHA-256 of the file's content.</summary>
    [JsonPropertyName("oid")]
    public string? Oid { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("pointerSize")]
    public long PointerSize { get; init; }
}

/// <summary><c>GET /api/models/{repo}/refs</c>: branches (EXL2 repositories keep each bit rate on one) and tags.</summary>
public sealed record HubRefs
{
    [JsonPropertyName("branches")]
    public IReadOnlyList<HubRef> Branches { get; init; } = [];

    [JsonPropertyName("tags")]
    public IReadOnlyList<HubRef> Tags { get; init; } = [];
}

/// <summary>A branch or tag.</summary>
public sealed record HubRef
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("ref")]
    public string? Ref { get; init; }

    [JsonPropertyName("targetCommit")]
    public string? TargetCommit { get; init; }
}
