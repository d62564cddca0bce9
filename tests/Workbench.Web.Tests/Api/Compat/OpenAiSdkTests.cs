using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Workbench.Web.Api.Compat;
using Workbench.Web.Workers;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace Workbench.Web.Tests.Api.Compat;

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.

/// <summary>The official OpenAI SDK and Microsoft.Extensions.AI against /v1, through real Kestrel to the real worker.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class OpenAiSdkTests(CompatApiServer server)
{
    private static readonly ChatMessage[] Hello = [new UserChatMessage("Hello there")];

    [Fact]
    public async Task A_chat_completion_returns_the_answer_with_its_finish_reason_and_usage()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);

        ChatCompletion completion = await chat.CompleteChatAsync(Hello, new ChatCompletionOptions { MaxOutputTokenCount = 16, Seed = 7 });

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(16, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + 16, completion.Usage.TotalTokenCount);
        Assert.NotEmpty(completion.Content[0].Text);
        Assert.Equal(CompatApiServer.Alpha, completion.Model);
    }

    [Fact]
    public async Task A_streamed_chat_completion_delivers_the_same_text_as_a_whole_one_and_ends_with_usage()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);
        // Enough tokens that the worker cannot merge them all into one or two messages, however busy the machine.
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 300, Seed = 11, Temperature = 0.7f };
        ChatCompletion whole = await chat.CompleteChatAsync(Hello, options);

        var streamed = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(Hello, options))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.Equal(whole.Content[0].Text, streamed.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(300, usage?.OutputTokenCount);
        Assert.True(updates > 2, $"only {updates} updates: the answer did not stream");
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_answer_before_it()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 32, Seed = 3 };
        ChatCompletion first = await chat.CompleteChatAsync(Hello, options);
        var full = first.Content[0].Text;
        var stop = full.Substring(full.Length / 2, Math.Min(3, full.Length - (full.Length / 2)));
        options.StopSequences.Add(stop);

        ChatCompletion cut = await chat.CompleteChatAsync(Hello, options);

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut.Content.Count == 0 ? string.Empty : cut.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, cut.FinishReason);
    }

    [Fact]
    public async Task The_model_list_names_the_library_models()
    {
        var models = await server.OpenAi().GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal([CompatApiServer.Alpha, CompatApiServer.Beta], models.Value.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task A_request_for_a_model_that_is_not_loaded_loads_it()
    {
        var gateway = server.Get<WorkerGateway>();
        var alpha = server.Get<CompatModelResolver>().Models.Single(m => m.Name == CompatApiServer.Alpha);
        Assert.True((await gateway.LoadModelAsync(new(alpha.Path, 1024), CancellationToken.None)).Succeeded);

        ChatCompletion completion = await server.OpenAi().GetChatClient(CompatApiServer.Beta)
            .CompleteChatAsync(Hello, new ChatCompletionOptions { MaxOutputTokenCount = 4 });

        Assert.Equal(CompatApiServer.Beta, completion.Model);
        Assert.EndsWith("beta.gguf", server.Get<WorkerRegistry>().PickWorker()?.LoadedModel?.ModelPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_gets_a_whole_and_a_streamed_response()
    {
        IChatClient client = server.OpenAi().GetChatClient(CompatApiServer.Alpha).AsIChatClient();
        var options = new ChatOptions { MaxOutputTokens = 12, Seed = 5 };

        var whole = await client.GetResponseAsync("Hi", options);
        var streamed = await client.GetStreamingResponseAsync("Hi", options).ToChatResponseAsync();

        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Length, whole.FinishReason);
        Assert.Equal(12, whole.Usage?.OutputTokenCount);
        Assert.Equal(whole.Text, streamed.Text);
        Assert.Equal(12, streamed.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Cancelling_a_stream_on_the_client_stops_the_worker_within_200_ms()
    {
        var chat = server.OpenAiClosingOnCancel().GetChatClient(CompatApiServer.Alpha);
        // The first cancel in a fresh process pays for JIT-compiling the cancel path on both ends (≈ 100 ms
        // on a busy two-core machine); the budget is for the steady state.
        await CancelAfterFirstTokenAsync(chat);

        var (elapsed, record) = await CancelAfterFirstTokenAsync(chat);

        Assert.True(elapsed < TimeSpan.FromMilliseconds(200), $"the worker took {elapsed.TotalMilliseconds:F0} ms to stop");
        Assert.InRange(record.CompletionTokens, 1, 29_999);
    }

    [Fact]
    public async Task Each_request_is_logged_with_its_client_model_and_tokens()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);

        await chat.CompleteChatAsync(Hello, new ChatCompletionOptions { MaxOutputTokenCount = 6 });

        var record = server.Get<ApiRequestLog>().Recent[0];
        Assert.StartsWith("OpenAI", record.Client, StringComparison.Ordinal);
        Assert.Equal(CompatApiServer.Alpha, record.Model);
        Assert.Equal("/v1/chat/completions", record.Endpoint);
        Assert.Equal(6, record.CompletionTokens);
        Assert.Equal(ApiRequestOutcome.Completed, record.Outcome);
        Assert.True(record.TokensPerSecond > 0);
    }

    /// <summary>
    /// Streams a long answer, cancels on the client at its first token, and returns the time until the request log
    /// records the cancel, which happens when the worker's own "cancelled" completion arrives, i.e. once it has stopped.
    /// </summary>
    private async Task<(TimeSpan Elapsed, ApiRequestRecord Record)> CancelAfterFirstTokenAsync(ChatClient chat)
    {
        var stopped = new TaskCompletionSource<ApiRequestRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new System.Diagnostics.Stopwatch();
        using var subscription = server.Get<ApiRequestLog>().Subscribe(record =>
        {
            if (record.Outcome == ApiRequestOutcome.Cancelled)
            {
                clock.Stop();
                stopped.TrySetResult(record);
            }
        });
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync(Hello, new ChatCompletionOptions { MaxOutputTokenCount = 30_000 }, cancel.Token))
            {
                // The first update only names the role; wait for a generated token.
                if (update.ContentUpdate.Any(part => part.Text.Length > 0) && !clock.IsRunning)
                {
                    clock.Start();
                    await cancel.CancelAsync();
                }
            }
        });

        var record = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return (clock.Elapsed, record);
    }
}
