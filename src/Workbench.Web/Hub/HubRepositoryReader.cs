using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Workbench.Core.Estimation;
using Workbench.Core.Formats;
using Workbench.Core.Gguf;
using Workbench.Core.Hub;
using Workbench.Core.Library;
using Workbench.Web.Estimation;
using Workbench.Web.Security;

namespace Workbench.Web.Hub;

/// <summary>
/// Reads a hub repository into rows the estimator can size: the revision's commit, its files, and for each model file
/// only its header (GGUF tensor tables; config.json, quantization files and safetensors headers for a folder), through
/// the same readers as local files. The other branches are read too (EXL2 repositories keep each bit rate on one), each
/// row labelled with its branch. Reads are cached in SQLite by commit, and a repository read in the last two minutes is
/// answered from memory, so changing the context or KV type costs nothing.
/// <para>
/// The Hugging Face token is the owner's: a guest's reads go without it and are cached apart from the owner's, and a
/// read without the token refuses a gated repository outright, so no header cached by a token read reaches a guest.
/// </para>
/// </summary>
public sealed partial class HubRepositoryReader(HubClientFactory clients, HubReadCache cache, TimeProvider time, ILogger<HubRepositoryReader> logger)
{
    private const int ParallelReads = 4;

    /// <summary>Branches read at most, the one asked for included.</summary>
    public const int MaxBranches = 12;

    private static readonly TimeSpan RecentFor = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<(string Repo, string Revision, bool WithToken), (DateTimeOffset At, HubRepository Repository)> _recent = new();

    /// <summary>Repositories matching <paramref name="search"/> with the tag <paramref name="filter"/>, as <paramref name="caller"/> may see them.</summary>
    public Task<IReadOnlyList<HubModelSummary>> SearchAsync(ClaimsPrincipal caller, string? search, string? filter, int limit, CancellationToken cancellationToken) =>
        clients.CreateFor(caller).SearchAsync(search, filter, limit, cancellationToken);

    /// <summary>The repository at <paramref name="revision"/> (its default branch when null) and its other branches, read for <paramref name="caller"/>.</summary>
    /// <exception cref="HubException">The hub could not be reached or refused the repository.</exception>
    public async Task<HubRepository> ReadAsync(ClaimsPrincipal caller, HubRepoId repo, string? revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(repo);
        var withToken = clients.UsesToken(caller);
        var key = (repo.ToString(), revision ?? string.Empty, withToken);
        if (_recent.TryGetValue(key, out var recent) && time.GetUtcNow() - recent.At < RecentFor)
        {
            return recent.Repository;
        }

        var client = clients.CreateFor(caller);
        var info = await WithoutTokenAsync(() => client.GetModelAsync(repo, revision, cancellationToken), repo, withToken, caller);
        if (info.IsGated && !withToken)
        {
            throw Refused(repo, caller);
        }

        var commit = info.Sha is { } sha && HubRepoId.IsValidRevision(sha) ? sha : throw new HubException($"The hub did not say which commit {repo} is at.");
        var asked = revision ?? "main";
        var refs = await client.GetRefsAsync(repo, cancellationToken);
        using var throttle = new SemaphoreSlim(ParallelReads);
        var revisions = new List<(string Name, string Commit, IReadOnlyList<HubTreeEntry> Files)>
        {
            (asked, commit, await client.ListFilesAsync(repo, commit, cancellationToken)),
        };
        revisions.AddRange(await ReadBranchesAsync(client, repo, HubBranches.OthersToRead(refs, asked, commit, MaxBranches - 1), throttle, cancellationToken));
        var reads = revisions.SelectMany(r => HubFileSet.Group(r.Files, repo.Name).Select(set => (r.Name, r.Commit, Set: set)));
        var rows = await Task.WhenAll(reads.Select(read => ThrottledAsync(throttle, async () =>
            await ReadRowAsync(client, repo, read.Commit, read.Set, cancellationToken) with { Revision = read.Name, Commit = read.Commit }, cancellationToken)));
        var repository = new HubRepository(repo, asked, commit, info.IsGated, refs.Branches, rows);
        var now = time.GetUtcNow();
        foreach (var stale in _recent.Where(r => now - r.Value.At >= RecentFor).Select(r => r.Key).ToList())
        {
            _recent.TryRemove(stale, out _);
        }

        _recent[key] = (now, repository);
        LogRead(logger, repository);
        return repository;
    }

    /// <summary>The files of each branch; a branch that cannot be listed is left out rather than failing the repository.</summary>
    private async Task<IEnumerable<(string Name, string Commit, IReadOnlyList<HubTreeEntry> Files)>> ReadBranchesAsync(
        HubClient client, HubRepoId repo, IReadOnlyList<(string Name, string Commit)> branches, SemaphoreSlim throttle, CancellationToken cancellationToken)
    {
        var listed = await Task.WhenAll(branches.Select(branch => ThrottledAsync(throttle, async () =>
        {
            try
            {
                return (branch.Name, branch.Commit, Files: await client.ListFilesAsync(repo, branch.Commit, cancellationToken));
            }
            catch (HubException e)
            {
                LogBranchSkipped(logger, repo.ToString(), branch.Name, e.Message);
                return (branch.Name, branch.Commit, Files: (IReadOnlyList<HubTreeEntry>)[]);
            }
        }, cancellationToken)));
        return listed.Where(b => b.Files.Count > 0);
    }

    private static async Task<T> ThrottledAsync<T>(SemaphoreSlim throttle, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await throttle.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            throttle.Release();
        }
    }

    /// <summary>A refusal of a read made without the token, said so that a guest knows the token is not theirs to use.</summary>
    private async Task<T> WithoutTokenAsync<T>(Func<Task<T>> read, HubRepoId repo, bool withToken, ClaimsPrincipal caller)
    {
        try
        {
            return await read();
        }
        catch (HubException e) when (!withToken && e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw Refused(repo, caller);
        }
    }

    private HubException Refused(HubRepoId repo, ClaimsPrincipal caller) => new(
        !OwnerOnly.Allows(caller) && clients.HasToken
            ? $"{repo} is gated or private. Guests read public repositories only: the Hugging Face token is the owner's and is not used for guests."
            : $"{repo} is gated or private. Accept its terms on the hub and set a token (Settings page, or Workbench:HuggingFace:Token).",
        HttpStatusCode.Forbidden);

    private async Task<HubModelRow> ReadRowAsync(HubClient client, HubRepoId repo, string commit, HubFileSet set, CancellationToken cancellationToken)
    {
        if (set.Problem is { } problem)
        {
            return new HubModelRow(set, null, HubModelRow.FormatOf(set), null, null, null, 0, problem);
        }

        if (set.Kind == HubFileSetKind.Projector)
        {
            return new HubModelRow(set, null, ModelFormat.Gguf, "vision projector", null, null, 0, null);
        }

        var reads = new ReadCounter();
        try
        {
            return set.Kind == HubFileSetKind.SafetensorsFolder
                ? await ReadFolderAsync(client, repo, commit, set, reads, cancellationToken)
                : await ReadGgufSetAsync(client, repo, commit, set, reads, cancellationToken);
        }
        catch (Exception e) when (e is GgufFormatException or ModelFormatException or EstimationModelException or HubException
            or InvalidDataException or OverflowException or ArgumentException)
        {
            return new HubModelRow(set, null, HubModelRow.FormatOf(set), null, null, null, reads.Bytes, e.Message);
        }
    }

    private async Task<HubModelRow> ReadGgufSetAsync(HubClient client, HubRepoId repo, string commit, HubFileSet set, ReadCounter reads, CancellationToken cancellationToken)
    {
        var parts = new List<GgufFile>();
        foreach (var file in set.Files)
        {
            parts.Add(await ReadGgufAsync(client, repo, commit, file, reads, cancellationToken));
        }

        // As the library does for the same files on disk.
        var model = parts.Count > 1 ? EstimationModel.FromGgufSplits(parts) : EstimationModel.FromGguf(parts[0]);
        return new HubModelRow(set, model, ModelFormat.Gguf, model.WeightFormat, model.BitsPerWeight, model.ParameterCount, reads.Bytes, null);
    }

    private async Task<GgufFile> ReadGgufAsync(HubClient client, HubRepoId repo, string commit, HubTreeEntry file, ReadCounter reads, CancellationToken cancellationToken)
    {
        if (await cache.FindAsync(repo.ToString(), commit, file.Path, "gguf", file.Size, cancellationToken) is { } stored)
        {
            try
            {
                return GgufCompactHeader.Decode(stored, file.Size);
            }
            catch (GgufFormatException)
            {
                // A damaged entry is read again from the hub.
            }
        }

        var header = await RemoteHeaderReader.ReadGgufAsync(Range(client, repo, commit, file.Path), file.Size, file.Path, clients.Limits, cancellationToken);
        reads.Add(header.BytesRead);
        if (GgufCompactHeader.Encode(header.File) is { } compact)
        {
            await cache.StoreAsync(repo.ToString(), commit, file.Path, "gguf", file.Size, compact, header.BytesRead, cancellationToken);
        }

        return header.File;
    }

    private async Task<HubModelRow> ReadFolderAsync(HubClient client, HubRepoId repo, string commit, HubFileSet set, ReadCounter reads, CancellationToken cancellationToken)
    {
        var byName = set.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var config = HuggingFaceConfig.FromBytes(await ReadSmallFileAsync(client, repo, commit, byName[HuggingFaceConfig.FileName], reads, cancellationToken));
        var sideFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in new[] { QuantizationConfig.GptqFileName, QuantizationConfig.AwqFileName })
        {
            if (byName.TryGetValue(name, out var side))
            {
                sideFiles[name] = await ReadSmallFileAsync(client, repo, commit, side, reads, cancellationToken);
            }
        }

        var quantization = QuantizationConfig.Find(config, sideFiles, byName.ContainsKey);

        var shards = await ShardsAsync(client, repo, commit, byName, reads, cancellationToken);
        var tensors = new List<SafetensorsTensor>();
        foreach (var shard in shards)
        {
            tensors.AddRange((await ReadSafetensorsAsync(client, repo, commit, shard, reads, cancellationToken)).Tensors);
        }

        var classification = QuantizationClassifier.Classify(quantization, tensors, config.TorchDtype);
        var format = ModelFormats.ForSafetensors(classification.Method);
        var model = EstimationModelSource.FromSafetensors(ModelArchitecture.FromHuggingFace(config), repo.Name, format, classification.Label,
            [.. tensors.Select(t => new TensorSummary(t.Name, t.DType.Name, t.ElementCount, t.ByteSize))]);
        return new HubModelRow(set, model, format, classification.Label, classification.BitsPerWeight, classification.ParameterCount, reads.Bytes,
            model is null ? "config.json does not give the layers, hidden size, heads and vocabulary, so the memory cannot be estimated." : null);
    }

    /// <summary>The shards the index lists (all must be in the revision), else every safetensors file of the folder.</summary>
    private async Task<IReadOnlyList<HubTreeEntry>> ShardsAsync(
        HubClient client, HubRepoId repo, string commit, Dictionary<string, HubTreeEntry> byName, ReadCounter reads, CancellationToken cancellationToken)
    {
        if (!byName.TryGetValue(SafetensorsIndex.DefaultFileName, out var indexFile))
        {
            return [.. byName.Values.Where(f => ModelFileNames.IsSafetensors(f.Path))];
        }

        var index = SafetensorsIndex.Parse(
            System.Text.Encoding.UTF8.GetString(await ReadSmallFileAsync(client, repo, commit, indexFile, reads, cancellationToken)));
        var missing = index.ShardFileNames.Where(n => !byName.ContainsKey(n)).ToList();
        return missing.Count == 0
            ? [.. index.ShardFileNames.Select(n => byName[n])]
            : throw new ModelFormatException($"{SafetensorsIndex.DefaultFileName} lists {index.ShardFileNames.Count} shards; {missing.Count} are not in the repository: {string.Join(", ", missing)}");
    }

    private async Task<SafetensorsHeader> ReadSafetensorsAsync(HubClient client, HubRepoId repo, string commit, HubTreeEntry file, ReadCounter reads, CancellationToken cancellationToken)
    {
        if (await cache.FindAsync(repo.ToString(), commit, file.Path, "safetensors", file.Size, cancellationToken) is { } stored)
        {
            return RemoteHeaderReader.ParseSafetensors(stored, file.Size, file.Path);
        }

        var header = await RemoteHeaderReader.ReadSafetensorsAsync(Range(client, repo, commit, file.Path), file.Size, file.Path, clients.Limits, cancellationToken);
        reads.Add(header.BytesRead);
        await cache.StoreAsync(repo.ToString(), commit, file.Path, "safetensors", file.Size, header.HeaderBytes, header.BytesRead, cancellationToken);
        return header.Header;
    }

    /// <summary>A JSON side file, whole (at most <see cref="HuggingFaceConfig.MaxFileBytes"/>).</summary>
    private async Task<byte[]> ReadSmallFileAsync(HubClient client, HubRepoId repo, string commit, HubTreeEntry file, ReadCounter reads, CancellationToken cancellationToken)
    {
        if (file.Size > HuggingFaceConfig.MaxFileBytes)
        {
            throw new ModelFormatException($"{file.Path}: the file is {file.Size:N0} bytes; at most {HuggingFaceConfig.MaxFileBytes:N0} are read.");
        }

        if (await cache.FindAsync(repo.ToString(), commit, file.Path, "file", file.Size, cancellationToken) is { } stored)
        {
            return stored;
        }

        var bytes = file.Size == 0 ? [] : await client.ReadRangeAsync(repo, commit, file.Path, 0, (int)file.Size, cancellationToken);
        reads.Add(bytes.Length);
        await cache.StoreAsync(repo.ToString(), commit, file.Path, "file", file.Size, bytes, bytes.Length, cancellationToken);
        return bytes;
    }

    private static RangeSource Range(HubClient client, HubRepoId repo, string commit, string path) =>
        (offset, count, ct) => client.ReadRangeAsync(repo, commit, path, offset, count, ct);

    private static void LogRead(ILogger logger, HubRepository repository)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var repo = repository.Repo.ToString();
            var bytes = repository.Rows.Sum(r => r.BytesRead);
            LogRead(logger, repo, repository.Commit, repository.Rows.Count, bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub: branch {Branch} of {Repo} left out: {Reason}")]
    private static partial void LogBranchSkipped(ILogger logger, string repo, string branch, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub: read {Repo} at {Commit}: {Rows} rows, {Bytes} bytes fetched for headers")]
    private static partial void LogRead(ILogger logger, string repo, string commit, int rows, long bytes);

    private sealed class ReadCounter
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
    }
}
