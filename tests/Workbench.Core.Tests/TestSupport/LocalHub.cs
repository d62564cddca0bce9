using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workbench.Core.Tests.TestSupport;

/// <summary>
/// A stand-in for the Hugging Face Hub on loopback Kestrel, for tests only: the documented JSON of model search,
/// model info, file trees (paged by Link headers, LFS SHA-256) and refs; <c>resolve</c> answering small files itself
/// and redirecting LFS files (302, X-Linked-Etag/Size, X-Repo-Commit) to "storage" on a second port (another origin);
/// real Range support. It counts the bytes served per file and records every request's host and Authorization header.
/// </summary>
internal sealed class LocalHub : IAsyncDisposable
{
    private static readonly string[] LfsExtensions = [".gguf", ".safetensors", ".bin"];
    private readonly ConcurrentDictionary<string, RepoState> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServedFile> _bySha = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private int _apiPort;

    private LocalHub(WebApplication app) => _app = app;

    /// <summary>The hub's address (API and resolve).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The storage origin LFS downloads are redirected to.</summary>
    public Uri Storage { get; private set; } = null!;

    /// <summary>Tree entries per page before a Link header points to the next.</summary>
    public int TreePageSize { get; set; } = 1000;

    /// <summary>Bytes of file content served, per "repo/path".</summary>
    public ConcurrentDictionary<string, long> BytesServed { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request: the origin it was sent to, its path and its Authorization header.</summary>
    public ConcurrentQueue<(string Origin, string Path, string? Authorization)> Requests { get; } = new();

    /// <summary>The Range header of every content request, per "repo/path" (null when the whole file was asked for).</summary>
    public ConcurrentQueue<(string File, string? Range)> ContentRequests { get; } = new();

    /// <summary>A token a gated repository requires.</summary>
    public string? Token { get; set; }

    /// <summary>When set for "repo/path", the next content response for it is cut after this many bytes (a dropped connection).</summary>
    public ConcurrentDictionary<string, long> DropOnceAfter { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, content responses wait on it before sending each chunk (to watch a download in progress).</summary>
    public SemaphoreSlim? Throttle { get; set; }

    public static async Task<LocalHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
        });
        var hub = new LocalHub(builder.Build());
        hub.Map();
        await hub._app.StartAsync();
        var ports = hub._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).ToList();
        hub._apiPort = ports[0];
        hub.Endpoint = new Uri($"http://127.0.0.1:{ports[0]}");
        hub.Storage = new Uri($"http://127.0.0.1:{ports[1]}");
        return hub;
    }

    /// <summary>Publishes every file under <paramref name="folder"/> as <paramref name="repoId"/> at <paramref name="branch"/>.</summary>
    public string AddRepo(string repoId, string folder, string branch = "main", bool gated = false, params string[] tags)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new ServedFile(repoId, Path.GetRelativePath(folder, f).Replace('\\', '/'), f, new FileInfo(f).Length, Sha256(f)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var commit = Hex40(repoId + branch + string.Join(',', files.Select(f => f.Sha256)));
        var repo = _repos.GetOrAdd(repoId, id => new RepoState(id, gated, tags));
        repo.Branches[branch] = new Revision(commit, files);
        foreach (var file in files)
        {
            _bySha[file.Sha256] = file;
        }

        return commit;
    }

    /// <summary>Makes the tree list a wrong SHA-256 for a file (the content stays as it is).</summary>
    public void ListWrongSha(string repoId, string path)
    {
        foreach (var revision in _repos[repoId].Branches.Values)
        {
            var index = revision.Files.FindIndex(f => f.Path == path);
            var file = revision.Files[index];
            var wrong = file with { ListedSha256 = new string('0', 64) };
            revision.Files[index] = wrong;
        }
    }

    public long Served(string repoId, string path) => BytesServed.GetValueOrDefault($"{repoId}/{path}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue(($"http://{context.Request.Host}", context.Request.Path.Value ?? "", context.Request.Headers.Authorization.FirstOrDefault()));
            var onApi = context.Connection.LocalPort == _apiPort;
            var isStorage = context.Request.Path.StartsWithSegments("/lfs");
            if (onApi == isStorage)
            {
                context.Response.StatusCode = 404;
                return;
            }

            await next();
        });
        _app.MapGet("/api/models", Search);
        _app.MapGet("/api/models/{owner}/{name}", (HttpContext c, string owner, string name) => Info(c, $"{owner}/{name}", "main"));
        _app.MapGet("/api/models/{owner}/{name}/revision/{revision}", (HttpContext c, string owner, string name, string revision) => Info(c, $"{owner}/{name}", revision));
        _app.MapGet("/api/models/{owner}/{name}/tree/{revision}", (HttpContext c, string owner, string name, string revision) => Tree(c, $"{owner}/{name}", revision));
        _app.MapGet("/api/models/{owner}/{name}/refs", (HttpContext c, string owner, string name) => Refs(c, $"{owner}/{name}"));
        _app.MapMethods("/{owner}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"],
            (HttpContext c, string owner, string name, string revision, string path) => Resolve(c, $"{owner}/{name}", revision, path));
        _app.MapMethods("/lfs/{sha}", ["GET", "HEAD"], (HttpContext c, string sha) =>
            _bySha.TryGetValue(sha, out var file)
                ? ServeAsync(c, file with { Repo = c.Request.Query["repo"].FirstOrDefault() ?? file.Repo, Path = c.Request.Query["path"].FirstOrDefault() ?? file.Path })
                : Status(c, 404));
    }

    private Task Search(HttpContext context)
    {
        var search = context.Request.Query["search"].FirstOrDefault() ?? "";
        var filter = context.Request.Query["filter"].FirstOrDefault();
        var limit = int.TryParse(context.Request.Query["limit"], out var l) ? l : 50;
        var found = _repos.Values
            .Where(r => r.Id.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Where(r => filter is null || r.Tags().Contains(filter, StringComparer.OrdinalIgnoreCase))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(r => new Dictionary<string, object?>
            {
                ["_id"] = Id24(r.Id),
                ["id"] = r.Id,
                ["modelId"] = r.Id,
                ["likes"] = 3,
                ["downloads"] = 1000,
                ["private"] = false,
                ["tags"] = r.Tags(),
                ["library_name"] = r.Tags().Contains("gguf") ? "gguf" : "transformers",
                ["createdAt"] = "2024-01-01T00:00:00.000Z",
            });
        return context.Response.WriteAsJsonAsync(found);
    }

    private Task Info(HttpContext context, string repoId, string revision)
    {
        if (!TryRevision(context, repoId, revision, out var repo, out var rev, out var refusal))
        {
            return refusal;
        }

        return context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["_id"] = Id24(repoId),
            ["id"] = repoId,
            ["modelId"] = repoId,
            ["author"] = repoId.Split('/')[0],
            ["sha"] = rev.Commit,
            ["lastModified"] = "2024-06-01T12:00:00.000Z",
            ["private"] = false,
            ["gated"] = repo!.Gated ? "manual" : false,
            ["disabled"] = false,
            ["downloads"] = 1000,
            ["likes"] = 3,
            ["tags"] = repo.Tags(),
            ["siblings"] = rev.Files.Select(f => new { rfilename = f.Path }),
            ["createdAt"] = "2024-01-01T00:00:00.000Z",
        });
    }

    private Task Tree(HttpContext context, string repoId, string revision)
    {
        if (!TryRevision(context, repoId, revision, out _, out var rev, out var refusal))
        {
            return refusal;
        }

        var entries = new List<object>();
        foreach (var directory in rev.Files.Select(f => Path.GetDirectoryName(f.Path)?.Replace('\\', '/')).Where(d => !string.IsNullOrEmpty(d)).Distinct())
        {
            entries.Add(new { type = "directory", oid = new string('d', 40), size = 0, path = directory });
        }

        foreach (var file in rev.Files)
        {
            var blob = Hex40(file.Sha256);
            entries.Add(IsLfs(file.Path)
                ? new { type = "file", oid = blob, size = file.Size, path = file.Path, lfs = new { oid = file.ListedSha256 ?? file.Sha256, size = file.Size, pointerSize = 134 } }
                : new { type = "file", oid = blob, size = file.Size, path = file.Path });
        }

        var cursor = int.TryParse(context.Request.Query["cursor"], out var c) ? c : 0;
        var page = entries.Skip(cursor).Take(TreePageSize).ToList();
        if (cursor + TreePageSize < entries.Count)
        {
            context.Response.Headers.Link = $"<{Endpoint}api/models/{repoId}/tree/{Uri.EscapeDataString(revision)}?recursive=true&cursor={cursor + TreePageSize}>; rel=\"next\"";
        }

        return context.Response.WriteAsJsonAsync(page);
    }

    private Task Refs(HttpContext context, string repoId)
    {
        // A repository need not have a main branch (an EXL2 one may hold only its bit-rate branches).
        if (!TryRepo(context, repoId, out var repo, out var refusal))
        {
            return refusal;
        }

        return context.Response.WriteAsJsonAsync(new
        {
            branches = repo!.Branches.Select(b => new { name = b.Key, @ref = $"refs/heads/{b.Key}", targetCommit = b.Value.Commit }),
            converts = Array.Empty<object>(),
            tags = Array.Empty<object>(),
        });
    }

    private Task Resolve(HttpContext context, string repoId, string revision, string path)
    {
        if (!TryRevision(context, repoId, revision, out _, out var rev, out var refusal))
        {
            return refusal;
        }

        if (rev.Files.FirstOrDefault(f => f.Path == path) is not { } file)
        {
            return Status(context, 404);
        }

        context.Response.Headers["X-Repo-Commit"] = rev.Commit;
        if (!IsLfs(path))
        {
            context.Response.Headers.ETag = $"\"{file.Sha256[..40]}\"";
            return ServeAsync(context, file);
        }

        context.Response.Headers["X-Linked-Etag"] = $"\"{file.ListedSha256 ?? file.Sha256}\"";
        context.Response.Headers["X-Linked-Size"] = file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.Location = $"{Storage}lfs/{file.Sha256}?repo={Uri.EscapeDataString(repoId)}&path={Uri.EscapeDataString(path)}&X-Amz-Signature=test";
        context.Response.StatusCode = 302;
        return Task.CompletedTask;
    }

    private bool TryRepo(HttpContext context, string repoId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RepoState? repo, out Task refusal)
    {
        refusal = Task.CompletedTask;
        if (!_repos.TryGetValue(repoId, out repo))
        {
            refusal = Status(context, 404);
            return false;
        }

        if (repo.Gated && context.Request.Headers.Authorization.FirstOrDefault() != $"Bearer {Token}")
        {
            refusal = Status(context, 401);
            return false;
        }

        return true;
    }

    private bool TryRevision(HttpContext context, string repoId, string revision, out RepoState? repo, out Revision rev, out Task refusal)
    {
        rev = null!;
        if (!TryRepo(context, repoId, out repo, out refusal))
        {
            return false;
        }

        var found = repo.Branches.TryGetValue(revision, out var byBranch) ? byBranch : repo.Branches.Values.FirstOrDefault(r => r.Commit == revision);
        if (found is null)
        {
            refusal = Status(context, 404);
            return false;
        }

        rev = found;
        return true;
    }

    private async Task ServeAsync(HttpContext context, ServedFile file)
    {
        long from = 0, to = file.Size - 1;
        var range = context.Request.Headers.Range.FirstOrDefault();
        if (range is { } r && r.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var parts = r["bytes=".Length..].Split('-');
            from = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            to = parts[1].Length > 0 ? Math.Min(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), file.Size - 1) : file.Size - 1;
            if (from >= file.Size)
            {
                context.Response.Headers.ContentRange = $"bytes */{file.Size}";
                context.Response.StatusCode = 416;
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{file.Size}";
        }

        context.Response.Headers.AcceptRanges = "bytes";
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = to - from + 1;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var key = $"{file.Repo}/{file.Path}";
        ContentRequests.Enqueue((key, range));
        long? dropAfter = DropOnceAfter.TryRemove(key, out var n) ? n : null;
        await using var stream = File.OpenRead(file.LocalPath);
        stream.Position = from;
        var buffer = new byte[16 * 1024];
        var left = to - from + 1;
        long sent = 0;
        while (left > 0)
        {
            if (Throttle is { } throttle)
            {
                await throttle.WaitAsync(context.RequestAborted);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), context.RequestAborted);
            if (dropAfter is { } limit && sent + read > limit)
            {
                read = (int)(limit - sent);
                BytesServed.AddOrUpdate(key, read, (_, v) => v + read);
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                context.Abort();
                return;
            }

            // Counted before sending, so a client that has the bytes always sees them counted.
            BytesServed.AddOrUpdate(key, read, (_, v) => v + read);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            left -= read;
            sent += read;
        }
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = status == 401 ? "Access to this model is restricted." : "Repository not found" });
    }

    // Git ids are SHA-1; any 40 hex digits that follow from the content serve here.
    private static string Hex40(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..40];

    private static string Id24(string text) => Hex40(text)[..24];

    private static bool IsLfs(string path) => LfsExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed record ServedFile(string Repo, string Path, string LocalPath, long Size, string Sha256)
    {
        public string? ListedSha256 { get; init; }
    }

    private sealed record Revision(string Commit, List<ServedFile> Files);

    private sealed class RepoState(string id, bool gated, string[] extraTags)
    {
        public string Id { get; } = id;

        public bool Gated { get; } = gated;

        public ConcurrentDictionary<string, Revision> Branches { get; } = new(StringComparer.Ordinal);

        public List<string> Tags()
        {
            var files = Branches.Values.SelectMany(b => b.Files).ToList();
            var tags = new List<string>(extraTags);
            if (files.Any(f => f.Path.EndsWith(".gguf", StringComparison.Ordinal)))
            {
                tags.Add("gguf");
            }

            if (files.Any(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal)))
            {
                tags.Add("safetensors");
            }

            return tags;
        }
    }
}
