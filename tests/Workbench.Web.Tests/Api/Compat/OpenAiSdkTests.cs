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
    public async Task Log_probabilities_reach_the_sdk_for_each_token_with_its_alternatives()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);

        ChatCompletion completion = await chat.CompleteChatAsync(
            Hello, new ChatCompletionOptions { MaxOutputTokenCount = 6, Seed = 3, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 });

        var tokens = completion.ContentTokenLogProbabilities;
        Assert.Equal(6, tokens.Count);
        Assert.All(tokens, t =>
        {
            Assert.True(t.LogProbability <= 0, $"{t.Token}: {t.LogProbability}");
            Assert.Equal(3, t.TopLogProbabilities.Count);
            Assert.Equal(t.Token, System.Text.Encoding.UTF8.GetString(t.Utf8Bytes!.Value.Span));
        });
        Assert.Equal(completion.Content[0].Text, string.Concat(tokens.Select(t => t.Token)));
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
}
