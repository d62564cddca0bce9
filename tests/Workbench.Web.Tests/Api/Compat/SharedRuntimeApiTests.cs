using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OllamaSharp.Models;
using OpenAI.Chat;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>Parallel answers, embeddings and keep-alive through the official clients, over real Kestrel to the real worker.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class SharedRuntimeApiTests(CompatApiServer server)
{
    [Fact]
    public async Task Four_concurrent_chats_through_the_OpenAI_SDK_stream_at_the_same_time()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);
        // Load first, so the four requests time answering, not the load.
        await chat.CompleteChatAsync([new UserChatMessage("warm up")], new ChatCompletionOptions { MaxOutputTokenCount = 1 });
        var clock = Stopwatch.StartNew();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            double? first = null;
            var tokens = 0;
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the server honours it.
            var options = new ChatCompletionOptions { MaxOutputTokenCount = 150, Seed = i };
#pragma warning restore OPENAI001
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage($"Question {i}")], options))
            {
                if (update.ContentUpdate.Count > 0)
                {
                    first ??= clock.Elapsed.TotalMilliseconds;
                }

                tokens = update.Usage?.OutputTokenCount ?? tokens;
            }

            return (First: first ?? double.MaxValue, Finished: clock.Elapsed.TotalMilliseconds);
        })));

        // Answered together: the last stream started before the first one finished.
        Assert.True(runs.Max(r => r.First) < runs.Min(r => r.Finished), string.Join("; ", runs.Select(r => $"{r.First:F0}–{r.Finished:F0} ms")));
        var alpha = server.Get<WorkerRegistry>().PickWorker()!.Resident.Single(m => m.Path.EndsWith("alpha.gguf", StringComparison.Ordinal));
        Assert.True(alpha.Slots >= 4, $"alpha has {alpha.Slots} slots");
    }

    [Fact]
    public async Task The_OpenAI_SDK_gets_one_unit_vector_per_input_with_usage()
    {
        var embeddings = server.OpenAi().GetEmbeddingClient(CompatApiServer.Alpha);

        var result = await embeddings.GenerateEmbeddingsAsync(["the same words", "other words", "the same words"]);

        var vectors = result.Value.Select(e => e.ToFloats().ToArray()).ToList();
        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(64, v.Length));
        Assert.Equal(1.0, Math.Sqrt(vectors[0].Sum(x => (double)x * x)), 4);
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.True(result.Value.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task OllamaSharp_embeds_and_the_older_endpoint_gives_the_same_vector()
    {
        using var ollama = server.Ollama();

        var embed = await ollama.EmbedAsync(new EmbedRequest { Model = CompatApiServer.Alpha, Input = ["hello there"] });
        using var http = server.Http(server.Key);
        using var older = await http.PostAsJsonAsync("/api/embeddings", new { model = CompatApiServer.Alpha, prompt = "hello there" });
        var olderVector = (await older.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        var vector = Assert.Single(embed.Embeddings);
        Assert.Equal(64, vector.Length);
        Assert.Equal(vector, olderVector);
        Assert.True(embed.PromptEvalCount > 0);
    }

    [Fact]
    public async Task A_keep_alive_of_zero_unloads_the_model_and_ps_shows_when_each_model_expires()
    {
        using var http = server.Http(server.Key);
        using var load = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, keep_alive = "5m" });
        Assert.Equal("load", (await load.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("done_reason").GetString());

        var running = await http.GetFromJsonAsync<JsonElement>("/api/ps");
        var beta = running.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "beta:latest");
        var expires = DateTimeOffset.Parse(beta.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));
        Assert.True(beta.GetProperty("size").GetInt64() > 0);

        // Open WebUI's Unload button.
        using var unload = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, keep_alive = 0 });
        Assert.Equal("unload", (await unload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("done_reason").GetString());

        Assert.DoesNotContain(server.Get<WorkerRegistry>().PickWorker()!.Resident, m => m.Path.EndsWith("beta.gguf", StringComparison.Ordinal));
        var after = await http.GetFromJsonAsync<JsonElement>("/api/ps");
        Assert.DoesNotContain(after.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "beta:latest");
    }

    [Fact]
    public async Task A_chat_with_keep_alive_zero_answers_and_then_unloads_its_model()
    {
        using var ollama = server.Ollama();
        var registry = server.Get<WorkerRegistry>();

        await foreach (var _ in ollama.ChatAsync(new OllamaSharp.Models.Chat.ChatRequest
        {
            Model = CompatApiServer.Beta,
            Messages = [new OllamaSharp.Models.Chat.Message(OllamaSharp.Models.Chat.ChatRole.User, "Hi")],
            KeepAlive = "0",
            Options = new RequestOptions { NumPredict = 4 },
        }))
        {
        }

        await Workbench.Web.Tests.TestSupport.RealWorkerServer.WaitUntilAsync(
            () => !registry.PickWorker()!.Resident.Any(m => m.Path.EndsWith("beta.gguf", StringComparison.Ordinal)), "beta to be unloaded");
    }
}
