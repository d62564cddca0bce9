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
        var running = (await ollama.ListRunningModelsAsync()).Single();

        Assert.Equal(["alpha:latest", "beta:latest"], local.Select(m => m.Name).Order());
        Assert.All(local, m => Assert.True(m.Size > 0));
        Assert.Equal("alpha:latest", running.Name);
        Assert.True(running.Size > 0);
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
        Assert.Equal(CompatApiServer.Beta, server.Get<CompatModelResolver>().LoadedName);
    }
}
