using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Writes a streamed answer (OpenAI's server-sent events, Ollama's JSON lines), flushing each piece as it comes.
/// Once the client has gone, writes are skipped quietly, so the caller keeps reading the generation until the
/// worker confirms it stopped.
/// </summary>
internal sealed class ApiStreamWriter
{
    private readonly HttpContext _http;
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;

    private ApiStreamWriter(HttpContext http, string contentType, string prefix, string suffix)
    {
        _http = http;
        _prefix = Encoding.UTF8.GetBytes(prefix);
        _suffix = Encoding.UTF8.GetBytes(suffix);
        http.Response.ContentType = contentType;
        http.Response.Headers.CacheControl = "no-cache";
        // Tell a reverse proxy (nginx) not to hold the stream back.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Server-sent events: <c>data: {json}</c> and a blank line per item.</summary>
    public static ApiStreamWriter ServerSentEvents(HttpContext http) => new(http, "text/event-stream", "data: ", "\n\n");

    /// <summary>Newline-delimited JSON: one object per line.</summary>
    public static ApiStreamWriter JsonLines(HttpContext http) => new(http, "application/x-ndjson", string.Empty, "\n");

    private bool ClientGone => _http.RequestAborted.IsCancellationRequested;

    /// <summary>Writes one item and flushes it to the client.</summary>
    public async Task WriteAsync<T>(T item, JsonTypeInfo<T> type)
    {
        if (ClientGone)
        {
            return;
        }

        var body = _http.Response.BodyWriter;
        body.Write(_prefix);
        await using (var json = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(json, item, type);
        }

        body.Write(_suffix);
        await FlushAsync();
    }

    /// <summary>Writes text as one item (OpenAI's <c>[DONE]</c>).</summary>
    public async Task WriteRawAsync(string text)
    {
        if (ClientGone)
        {
            return;
        }

        var body = _http.Response.BodyWriter;
        body.Write(_prefix);
        body.Write(Encoding.UTF8.GetBytes(text));
        body.Write(_suffix);
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        try
        {
            await _http.Response.BodyWriter.FlushAsync(_http.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && ClientGone)
        {
            // The client went away mid-write; the generation is being cancelled through RequestAborted.
        }
    }
}
