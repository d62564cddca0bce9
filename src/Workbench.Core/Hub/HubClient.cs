using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Workbench.Core.Hub;

/// <summary>
/// The Hugging Face Hub's HTTP API, as its documentation describes it: model search (<c>/api/models</c>), a repository
/// at a revision (<c>/api/models/{repo}/revision/{rev}</c>), its files with sizes and LFS SHA-256
/// (<c>/api/models/{repo}/tree/{rev}</c>), its branches (<c>/api/models/{repo}/refs</c>) and file contents
/// (<c>/{repo}/resolve/{rev}/{path}</c>, which redirects large files to storage on another host).
/// <para>
/// Redirects are followed here, not by the handler, so the token goes only to the endpoint's own origin: the
/// <see cref="HttpClient"/> given must not follow redirects itself (see <see cref="CreateHandler"/>).
/// </para>
/// </summary>
public sealed class HubClient
{
    private const int MaxRedirects = 10;
    private const int MaxTreePages = 1_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 64 };
    private readonly HttpClient _http;
    private long _bytesReceived;

    public HubClient(HttpClient http, HubClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Endpoint.IsAbsoluteUri || options.Endpoint.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"The hub endpoint must be an absolute http(s) address, not '{options.Endpoint}'.", nameof(options));
        }

        _http = http;
        Options = options;
    }

    /// <summary>The endpoint and token in use.</summary>
    public HubClientOptions Options { get; }

    /// <summary>File-content bytes received by <see cref="ReadRangeAsync"/> and <see cref="OpenFileAsync"/> streams read so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>A handler suitable for this client: no automatic redirects, no cookies.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Models whose id matches <paramref name="search"/>, optionally with a tag (<c>gguf</c>, <c>gptq</c>, <c>awq</c>, <c>exl2</c>…), most downloaded first.</summary>
    public async Task<IReadOnlyList<HubModelSummary>> SearchAsync(string? search, string? filter, int limit, CancellationToken cancellationToken)
    {
        var query = new List<string> { "sort=downloads", "direction=-1", $"limit={Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture)}" };
        if (!string.IsNullOrWhiteSpace(search))
        {
            query.Add("search=" + Uri.EscapeDataString(search.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(filter))
        {
            query.Add("filter=" + Uri.EscapeDataString(filter.Trim()));
        }

        return await GetJsonAsync<List<HubModelSummary>>(Api("models?" + string.Join('&', query)), "the model search", cancellationToken) ?? [];
    }

    /// <summary>The repository at <paramref name="revision"/> (its default branch when null): the commit it resolves to and its files.</summary>
    public async Task<HubModelInfo> GetModelAsync(HubRepoId repo, string? revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var path = revision is null ? $"models/{repo}" : $"models/{repo}/revision/{EscapeRevision(revision)}";
        return await GetJsonAsync<HubModelInfo>(Api(path), $"repository {repo}", cancellationToken)
            ?? throw new HubException($"The hub gave no description of {repo}.");
    }

    /// <summary>Every file of the repository at <paramref name="revision"/>, with sizes and LFS SHA-256, following the listing's pages.</summary>
    public async Task<IReadOnlyList<HubTreeEntry>> ListFilesAsync(HubRepoId repo, string revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var files = new List<HubTreeEntry>();
        Uri? next = Api($"models/{repo}/tree/{EscapeRevision(revision)}?recursive=true");
        for (var page = 0; next is not null; page++)
        {
            if (page >= MaxTreePages || files.Count > Options.MaxTreeEntries)
            {
                throw new HubException($"{repo} lists more than {Options.MaxTreeEntries:N0} files; that is not a model repository this page can show.");
            }

            using var response = await SendAsync(HttpMethod.Get, next, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            EnsureSuccess(response, $"the files of {repo} at {revision}");
            var entries = await ReadJsonAsync<List<HubTreeEntry>>(response, cancellationToken) ?? [];
            files.AddRange(entries.Where(e => e.IsFile && HubRepoId.IsValidFilePath(e.Path)));
            next = NextPage(response);
        }

        return files;
    }

    /// <summary>The repository's branches and tags.</summary>
    public async Task<HubRefs> GetRefsAsync(HubRepoId repo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repo);
        return await GetJsonAsync<HubRefs>(Api($"models/{repo}/refs"), $"the branches of {repo}", cancellationToken) ?? new HubRefs();
    }

    /// <summary>The address of a file's content: <c>{endpoint}/{repo}/resolve/{revision}/{path}</c>.</summary>
    public Uri ResolveUri(HubRepoId repo, string revision, string path)
    {
        ArgumentNullException.ThrowIfNull(repo);
        if (!HubRepoId.IsValidFilePath(path))
        {
            throw new ArgumentException($"'{path}' is not a file path inside a repository.", nameof(path));
        }

        return new Uri($"{Base}/{repo}/resolve/{EscapeRevision(revision)}/{HubRepoId.EscapePath(path)}");
    }

    /// <summary>
    /// Bytes <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> - 1 of a file, by an HTTP Range request
    /// (fewer at the end of the file). Never reads more than asked, even from a server that ignores the range.
    /// </summary>
    public async Task<byte[]> ReadRangeAsync(HubRepoId repo, string revision, string path, long offset, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var uri = ResolveUri(repo, revision, path);
        using var response = await SendAsync(HttpMethod.Get, uri, new RangeHeaderValue(offset, offset + count - 1), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return [];
        }

        EnsureSuccess(response, $"{path} in {repo}");
        CheckRangeStart(response, offset, path);
        var buffer = new byte[count];
        var filled = 0;
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            while (filled < count)
            {
                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                Interlocked.Add(ref _bytesReceived, read);
            }
        }

        return filled == count ? buffer : buffer[..filled];
    }

    /// <summary>
    /// Opens a file's content from <paramref name="offset"/> on (a Range request when above 0), following the hub's redirects.
    /// The caller reads and disposes the response; <see cref="HttpResponseMessage.StatusCode"/> is 206 when the range was honoured.
    /// </summary>
    public async Task<HttpResponseMessage> OpenFileAsync(HubRepoId repo, string revision, string path, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var response = await SendAsync(HttpMethod.Get, ResolveUri(repo, revision, path), offset > 0 ? new RangeHeaderValue(offset, null) : null,
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            EnsureSuccess(response, $"{path} in {repo}");
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                CheckRangeStart(response, offset, path);
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Counts bytes read from a body opened by <see cref="OpenFileAsync"/>.</summary>
    public void CountReceived(int bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    private string Base => Options.Endpoint.AbsoluteUri.TrimEnd('/');

    private Uri Api(string pathAndQuery) => new($"{Base}/api/{pathAndQuery}");

    private static string EscapeRevision(string revision) =>
        HubRepoId.IsValidRevision(revision)
            ? Uri.EscapeDataString(revision)
            : throw new ArgumentException($"'{revision}' is not a branch, tag or commit name.", nameof(revision));

    private async Task<T?> GetJsonAsync<T>(Uri uri, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, uri, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureSuccess(response, what);
        return await ReadJsonAsync<T>(response, cancellationToken);
    }

    private async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > Options.MaxJsonBytes)
        {
            throw new HubException($"The hub's answer is {response.Content.Headers.ContentLength:N0} bytes; at most {Options.MaxJsonBytes:N0} are read.");
        }

        using var memory = new MemoryStream();
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (memory.Length + read > Options.MaxJsonBytes)
                {
                    throw new HubException($"The hub's answer is longer than the {Options.MaxJsonBytes:N0} bytes read.");
                }

                memory.Write(buffer, 0, read);
            }
        }

        try
        {
            return JsonSerializer.Deserialize<T>(memory.GetBuffer().AsSpan(0, (int)memory.Length), Json);
        }
        catch (JsonException e)
        {
            throw new HubException($"The hub's answer is not the JSON it documents ({e.Message}).", e);
        }
    }

    /// <summary>Sends a request, following redirects; the token goes only to the endpoint's own origin, never over a downgrade to http.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, Uri uri, RangeHeaderValue? range, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Workbench", "0.1"));
            request.Headers.Range = range;
            if (Options.Token is { Length: > 0 } token && IsEndpointOrigin(uri))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new HubException($"Could not reach {uri.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (hop >= MaxRedirects)
            {
                throw new HubException($"The hub redirected {uri.AbsolutePath} more than {MaxRedirects} times.");
            }

            var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (target.Scheme != Uri.UriSchemeHttps && !(target.Scheme == Uri.UriSchemeHttp && uri.Scheme == Uri.UriSchemeHttp))
            {
                throw new HubException($"The hub redirected to '{target.GetLeftPart(UriPartial.Authority)}', which is not https; not followed.");
            }

            // 303 asks for a GET; every other redirect repeats the request as it was.
            method = response.StatusCode == HttpStatusCode.SeeOther ? HttpMethod.Get : method;
            uri = target;
        }
    }

    private bool IsEndpointOrigin(Uri uri) =>
        Uri.Compare(uri, Options.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>The next page of a listing (<c>Link: &lt;…&gt;; rel="next"</c>), only on the endpoint's own origin.</summary>
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && parts[0].StartsWith('<') && parts[0].EndsWith('>')
                && parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next")
                && Uri.TryCreate(Options.Endpoint, parts[0][1..^1], out var next) && IsEndpointOrigin(next))
            {
                return next;
            }
        }

        return null;
    }

    private static void CheckRangeStart(HttpResponseMessage response, long offset, string path)
    {
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            if (response.Content.Headers.ContentRange is not { From: { } from } || from != offset)
            {
                throw new HubException($"The server answered a range request for {path} from byte {offset} with another range ({response.Content.Headers.ContentRange}).");
            }
        }
        else if (offset > 0)
        {
            throw new HubException($"The server holding {path} ignored the range request (answered {(int)response.StatusCode}); it cannot be read in parts.");
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = response.StatusCode;
        var message = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"The hub refused access to {what} ({(int)status}): the repository is gated or private. Accept its terms on the hub and set a token (Workbench:HuggingFace:Token).",
            HttpStatusCode.NotFound => $"The hub has no {what} ({(int)status}): check the repository id and revision.",
            HttpStatusCode.TooManyRequests => $"The hub is rate-limiting requests for {what} (429); try again in a minute, or set a token.",
            _ => $"The hub answered {(int)status} {response.ReasonPhrase} for {what}.",
        };
        throw new HubException(message, status);
    }
}
