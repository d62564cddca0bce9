using System.Diagnostics;
using System.Net.Http.Json;
using Workbench.Web.Tests.TestSupport;
using Xunit.Abstractions;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// A bounded soak: 20 clients streaming OpenAI and Ollama answers at once for about 30 s through real Kestrel to the
/// real worker. Every stream must end properly, and the host's managed memory after a forced GC must stay within 10 %
/// of what it was once the first seconds of the same load had filled the bounded histories (request and activity logs).
/// <para>
/// The host runs in the test process, so the soak has a server of its own and runs alone, after the parallel tests:
/// their allocations would otherwise count as the host's.
/// </para>
/// </summary>
[Collection(AloneTestGroup.Name)]
public sealed class SoakTests(CompatApiServer server, ITestOutputHelper output) : IClassFixture<CompatApiServer>
{
    [Fact]
    public async Task Twenty_mixed_streams_for_30_seconds_end_properly_and_leave_memory_where_it_was()
    {
        using var http = server.Http(server.Key);
        var warmUp = await RunAsync(http, TimeSpan.FromSeconds(6));
        var before = SettledManagedBytes();
        var clock = Stopwatch.StartNew();

        var results = warmUp.Concat(await RunAsync(http, TimeSpan.FromSeconds(22))).ToList();

        var streams = results.Sum(r => r.Streams);
        var truncated = results.SelectMany(r => r.Truncated).ToList();
        var after = SettledManagedBytes();
        output.WriteLine($"{streams} streams ({clock.Elapsed.TotalSeconds:F1} s measured), {truncated.Count} truncated; managed memory {before / 1e6:F1} MB -> {after / 1e6:F1} MB");
        Assert.True(streams >= 40, $"only {streams} streams ran");
        Assert.True(truncated.Count == 0, $"{truncated.Count} of {streams} streams were cut: {string.Join(" | ", truncated.Take(5))}");
        Assert.True(after <= before * 1.10, $"managed memory grew from {before / 1e6:F1} MB to {after / 1e6:F1} MB");
    }

    private static Task<(int Streams, List<string> Truncated)[]> RunAsync(HttpClient http, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, 20).Select(client => ClientAsync(http, client, clock, duration)));
    }

    private static async Task<(int Streams, List<string> Truncated)> ClientAsync(HttpClient http, int client, Stopwatch clock, TimeSpan duration)
    {
        var streams = 0;
        var truncated = new List<string>();
        while (clock.Elapsed < duration)
        {
            var ending = await StreamAsync(http, ollama: (client + streams) % 2 == 0, seed: (client * 1000) + streams);
            streams++;
            if (ending is not null)
            {
                truncated.Add(ending);
            }
        }

        return (streams, truncated);
    }

    /// <summary>One streamed answer; null when it ended properly, else what it ended with.</summary>
    private static async Task<string?> StreamAsync(HttpClient http, bool ollama, int seed)
    {
        object body = ollama
            ? new { model = CompatApiServer.Alpha, messages = new[] { new { role = "user", content = "Go on" } }, options = new { num_predict = 30 + (seed % 40), seed } }
            : new { model = CompatApiServer.Alpha, messages = new[] { new { role = "user", content = "Go on" } }, stream = true, max_tokens = 30 + (seed % 40), seed };
        using var request = new HttpRequestMessage(HttpMethod.Post, ollama ? "/api/chat" : "/v1/chat/completions") { Content = JsonContent.Create(body) };
        var last = "(nothing)";
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                last = line.Length > 0 ? line : last;
            }
        }
        catch (HttpRequestException cut)
        {
            return $"{cut.Message} after {last}";
        }

        var done = ollama ? last.Contains("\"done\":true", StringComparison.Ordinal) : last == "data: [DONE]";
        return done ? null : last;
    }

    private static long SettledManagedBytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
