using System.Net.Http.Json;
using System.Text.Json;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>When a stop sequence ends the answer, usage counts the tokens up to the one that completed it, once, every time.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class StopSequenceUsageTests(CompatApiServer server)
{
    private static readonly string[] StopAtE = ["e"];

    [Fact]
    public async Task Identical_seeded_requests_cut_by_a_stop_sequence_report_the_same_completion_tokens()
    {
        using var http = server.Http(server.Key);
        var answers = new List<(string Text, int Tokens, string Finish)>();

        for (var i = 0; i < 6; i++)
        {
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = CompatApiServer.Alpha,
                messages = new[] { new { role = "user", content = "Tell me a story" } },
                seed = 7,
                max_tokens = 200,
                stop = StopAtE,
                stream = i % 2 == 0,
                stream_options = new { include_usage = true },
            });
            answers.Add(await ReadAsync(response));
        }

        Assert.Single(answers.Distinct());
        Assert.Equal("stop", answers[0].Finish);
        Assert.DoesNotContain('e', answers[0].Text);
        Assert.InRange(answers[0].Tokens, 1, 199);
    }

    private static async Task<(string Text, int Tokens, string Finish)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            using var whole = JsonDocument.Parse(body);
            var choice = whole.RootElement.GetProperty("choices")[0];
            return (choice.GetProperty("message").GetProperty("content").GetString()!,
                whole.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(),
                choice.GetProperty("finish_reason").GetString()!);
        }

        var text = string.Empty;
        var tokens = -1;
        var finish = string.Empty;
        foreach (var line in body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            if (chunk.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                tokens = usage.GetProperty("completion_tokens").GetInt32();
            }

            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                text += choice.GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() : null;
                finish = choice.GetProperty("finish_reason").GetString() ?? finish;
            }
        }

        return (text, tokens, finish);
    }
}
