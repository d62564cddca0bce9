using OpenAI.Chat;
using Workbench.Web.Api.Compat;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// A client's cancel reaches the worker in time, measured through the official OpenAI SDK, real Kestrel and the real
/// worker. It runs alone with a server of its own, since it judges time.
/// </summary>
[Collection(AloneTestGroup.Name)]
public sealed class OpenAiCancelTests(CompatApiServer server) : IClassFixture<CompatApiServer>
{
    private static readonly ChatMessage[] Hello = [new UserChatMessage("Hello there")];

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
