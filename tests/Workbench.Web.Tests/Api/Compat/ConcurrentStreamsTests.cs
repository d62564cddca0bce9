using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>Many clients streaming at once, through real Kestrel to the real worker: every stream ends properly.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class ConcurrentStreamsTests(CompatApiServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Twenty_concurrent_ollama_chat_streams_all_end_with_a_done_line()
    {
        using var http = server.Http(server.Key);
        var clock = Stopwatch.StartNew();

        var endings = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => LastLineAsync(http, i)));

        output.WriteLine($"20 streams in {clock.Elapsed.TotalSeconds:F1} s");
        var truncated = endings.Where(last => !IsDone(last)).ToList();
        Assert.True(truncated.Count == 0, $"{truncated.Count} of 20 streams were cut: {string.Join(" | ", truncated)}");
    }

    private static async Task<string> LastLineAsync(HttpClient http, int seed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new
            {
                model = CompatApiServer.Alpha,
                messages = new[] { new { role = "user", content = "Tell a story" } },
                options = new { num_predict = 40 + (seed * 7), seed },
            }),
        };
        var last = "(no line)";
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                last = line.Length > 0 ? line : last;
            }

            return last;
        }
        catch (HttpRequestException cut)
        {
            return $"{cut.Message} after {last}";
        }
    }

    private static bool IsDone(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty("done", out var done) && done.GetBoolean();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
