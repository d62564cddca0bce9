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
/// <para>
/// Each item is serialised into a buffer of its own and handed to the response as one write. Serialising straight
/// into the response's <see cref="System.IO.Pipelines.PipeWriter"/> broke streams under load: Kestrel's chunked writer
/// keeps the buffer of a <c>GetSpan()</c> that advanced nothing (the empty prefix of a JSON line) and hands it back to the
/// next request whatever its size hint, so the JSON writer got less than it asked for and threw ("'IBufferWriter' could
/// not provide an output buffer"), cutting the stream before its last line.
/// </para>
/// </summary>
internal sealed class ApiStreamWriter
{
    private readonly HttpContext _http;
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private readonly ArrayBufferWriter<byte> _line = new(1024);

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
    public Task WriteAsync<T>(T item, JsonTypeInfo<T> type)
    {
        _line.ResetWrittenCount();
        _line.Write(_prefix);
        using (var json = new Utf8JsonWriter(_line))
        {
            JsonSerializer.Serialize(json, item, type);
        }

        _line.Write(_suffix);
        return SendLineAsync();
    }

    /// <summary>Writes text as one item (OpenAI's <c>[DONE]</c>).</summary>
    public Task WriteRawAsync(string text)
    {
        _line.ResetWrittenCount();
        _line.Write(_prefix);
        _line.Write(Encoding.UTF8.GetBytes(text));
        _line.Write(_suffix);
        return SendLineAsync();
    }

    /// <summary>One write of the whole line, flushed: the server frames it as one chunk.</summary>
    private async Task SendLineAsync()
    {
        if (ClientGone)
        {
            return;
        }

        try
        {
            await _http.Response.BodyWriter.WriteAsync(_line.WrittenMemory, _http.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && ClientGone)
        {
            // The client went away mid-write; the generation is being cancelled through RequestAborted.
        }
    }
}
