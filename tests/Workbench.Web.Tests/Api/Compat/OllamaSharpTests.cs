using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>OllamaSharp against /api, through real Kestrel to the real worker.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class OllamaSharpTests(CompatApiServer server)
{
    [Fact]
    public async Task A_streamed_chat_ends_with_a_done_line_carrying_token_counts()
    {
        using var ollama = server.Ollama();
        var text = new StringBuilder();
        ChatDoneResponseStream? done = null;
        var lines = 0;

        await foreach (var response in ollama.ChatAsync(new ChatRequest
        {
            Model = CompatApiServer.Alpha,
            Messages = [new Message(ChatRole.User, "Hello")],
            // Enough tokens that the worker cannot merge them all into one message, however busy the machine.
            Options = new RequestOptions { NumPredict = 300, Seed = 3 },
        }))
        {
            lines++;
            text.Append(response?.Message.Content);
            done = response as ChatDoneResponseStream ?? done;
        }

        Assert.NotNull(done);
        Assert.Equal(300, done.EvalCount);
        Assert.True(done.PromptEvalCount > 0);
        Assert.Equal("length", done.DoneReason);
        Assert.True(done.EvalDuration > 0);
        Assert.NotEmpty(text.ToString());
        Assert.True(lines > 2, $"only {lines} lines: the answer did not stream");
    }

    [Fact]
    public async Task Generate_streams_the_same_text_as_a_whole_answer()
    {
        using var ollama = server.Ollama();
        var request = new GenerateRequest { Model = CompatApiServer.Alpha, Prompt = "Once upon a time", Options = new RequestOptions { NumPredict = 10, Seed = 9 } };
        var streamed = new StringBuilder();
        GenerateDoneResponseStream? done = null;
        await foreach (var response in ollama.GenerateAsync(request))
        {
            streamed.Append(response?.Response);
            done = response as GenerateDoneResponseStream ?? done;
        }

        using var http = server.Http(server.Key);
        using var whole = await http.PostAsJsonAsync("/api/generate", new
        {
            model = CompatApiServer.Alpha,
            prompt = "Once upon a time",
            stream = false,
            options = new { num_predict = 10, seed = 9 },
        });
        using var json = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());

        Assert.Equal(10, done?.EvalCount);
        Assert.Equal(json.RootElement.GetProperty("response").GetString(), streamed.ToString());
        Assert.True(json.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal(10, json.RootElement.GetProperty("eval_count").GetInt32());
    }

    [Fact]
    public async Task Tags_list_the_library_models_and_ps_the_loaded_one_with_its_size()
    {
        using var ollama = server.Ollama();
        await foreach (var unused in ollama.GenerateAsync(new GenerateRequest { Model = CompatApiServer.Alpha, Prompt = "Hi", Options = new RequestOptions { NumPredict = 1 } }))
        {
        }

        var local = await ollama.ListLocalModelsAsync();
        // Most recently used first; other resident models may follow.
        var running = (await ollama.ListRunningModelsAsync()).First();

        Assert.Equal(["alpha:latest", "beta:latest"], local.Select(m => m.Name).Order());
        Assert.All(local, m => Assert.True(m.Size > 0));
        Assert.Equal("alpha:latest", running.Name);
        // Every buffer llama.cpp allocated (weights, KV cache, compute), so more than the file; none on a GPU here.
        Assert.True(running.Size > local.Single(m => m.Name == "alpha:latest").Size, $"size {running.Size}");
        Assert.Equal(0, running.SizeVram);
    }

    [Fact]
    public async Task Show_gives_the_family_the_trained_context_and_the_chat_template()
    {
        using var ollama = server.Ollama();

        var shown = await ollama.ShowModelAsync(new ShowModelRequest { Model = CompatApiServer.Alpha });

        Assert.Equal("gguf", shown.Details.Format);
        Assert.Equal("llama", shown.Details.Family);
        Assert.Equal("llama", shown.Info.Architecture);
        Assert.True(shown.Info.ParameterCount > 0);
        long Fact(string key) => long.Parse(shown.Info.ExtraInfo![key]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Fact("llama.context_length") > 0);
        Assert.Equal(2, Fact("llama.block_count"));
        Assert.Contains("FROM ", shown.Modelfile, StringComparison.Ordinal);
        Assert.Contains("completion", shown.Capabilities!);
    }

    [Theory]
    [InlineData("{\"model\":\"no-such-model\"}", 404, "not found")]
    [InlineData("{}", 400, "must name a model")]
    [InlineData("{\"name\":\"alpha\"}", 200, "llama")]
    public async Task Show_answers_a_missing_or_unknown_model_in_ollamas_error_shape(string body, int status, string expected)
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsync("/api/show", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_version_is_the_Workbench_version()
    {
        using var ollama = server.Ollama();

        var version = await ollama.GetVersionAsync();

        Assert.Equal(AppVersion.Current, version.ToString());
    }

    [Fact]
    public async Task An_empty_generate_prompt_only_loads_the_model()
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("load", json.RootElement.GetProperty("done_reason").GetString());
        // Resident now, and the most recently used model.
        Assert.Equal(CompatApiServer.Beta, server.Get<CompatModelResolver>().LoadedName);
        Assert.Contains(server.Get<Workbench.Web.Workers.WorkerRegistry>().PickWorker()!.Resident, m => m.Path.EndsWith("beta.gguf", StringComparison.Ordinal));
    }
}
