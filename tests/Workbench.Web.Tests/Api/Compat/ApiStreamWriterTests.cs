using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>The streamed-answer writer on real Kestrel (chunked HTTP/1.1, the way API clients read it).</summary>
public sealed class ApiStreamWriterTests
{
    [Fact]
    public async Task A_long_json_line_stream_to_a_slow_reader_ends_with_its_last_line()
    {
        // A reader that lags keeps Kestrel's output buffer partly full, so lines start at every offset in it,
        // including the few bytes before its end where Kestrel's chunked writer used to hand out too little room.
        await using var app = await StartAsync(async http =>
        {
            var lines = ApiStreamWriter.JsonLines(http);
            for (var i = 0; i < 4000; i++)
            {
                await lines.WriteAsync(new TestLine(new string('x', 40 + (i % 97)), false), TestJsonContext.Default.TestLine);
            }

            await lines.WriteAsync(new TestLine("end", true), TestJsonContext.Default.TestLine);
        });
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectWithSmallReceiveBufferAsync })
        {
            BaseAddress = app.Address,
        };

        using var response = await client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        await Task.Delay(300);
        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync();

        var last = text.TrimEnd('\n').Split('\n')[^1];
        Assert.Equal("""{"text":"end","done":true}""", last);
    }

    private static async ValueTask<Stream> ConnectWithSmallReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
    }

    private static async Task<TestApp> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address));
    }

    private sealed record TestApp(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}

/// <summary>One streamed line.</summary>
public sealed record TestLine(string Text, bool Done);

[JsonSerializable(typeof(TestLine))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class TestJsonContext : JsonSerializerContext;
