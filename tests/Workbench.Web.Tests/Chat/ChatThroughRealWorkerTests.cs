using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Chat;

/// <summary>Chat through real Kestrel, the real hub and the real worker child process running llama.cpp.</summary>
public sealed class ChatThroughRealWorkerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-chat-");
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("urls", "http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        await WaitForWorkerAsync();
    }

    [Fact]
    public async Task A_message_is_answered_by_the_worker_with_streamed_tokens()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<ChatSession>();
        session.ModelPath = scope.ServiceProvider.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        session.Sampling = new SamplingSettings { MaxTokens = 32 };
        var renders = 0;
        session.Changed += () => { renders++; return Task.CompletedTask; };

        await session.SendAsync("Hello").WaitAsync(TimeSpan.FromSeconds(60));

        var answer = session.Messages[^1];
        Assert.Equal(GenerationOutcome.Completed, answer.Completion?.Outcome);
        Assert.Equal(32, answer.Completion!.GeneratedTokens);
        Assert.Equal(32, answer.TokenCount);
        Assert.True(renders >= 2, $"rendered {renders} times");
    }

    [Fact]
    public async Task A_worker_killed_mid_answer_fails_that_answer_and_a_restarted_worker_answers_the_next()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<ChatSession>();
        session.ModelPath = scope.ServiceProvider.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        session.Sampling = new SamplingSettings { MaxTokens = 1_000_000 };
        var supervisor = _factory.Services.GetRequiredService<WorkerSupervisor>();
        var firstWorker = supervisor.Status.ProcessId!.Value;

        var sending = session.SendAsync("Talk forever");
        await WaitUntilAsync(() => session.Messages.Count == 2 && session.Messages[1].TokenCount > 0, "the answer to start streaming");
        // A hard kill, like the kernel's out-of-memory killer: no managed code gets to clean up.
        using (var worker = System.Diagnostics.Process.GetProcessById(firstWorker))
        {
            worker.Kill();
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        var failed = session.Messages[1];
        Assert.Equal(GenerationOutcome.Failed, failed.Completion?.Outcome);
        Assert.Contains("worker", failed.Completion!.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(failed.TokenCount > 0, "what streamed before the crash is kept");

        await WaitForWorkerAsync(except: firstWorker);
        Assert.Contains("exit code 137", supervisor.Status.LastExit, StringComparison.Ordinal);
        session.Sampling = new SamplingSettings { MaxTokens = 8 };
        await session.SendAsync("Are you back?").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(GenerationOutcome.Completed, session.Messages[^1].Completion?.Outcome);
        Assert.Equal(8, session.Messages[^1].TokenCount);
    }

    private async Task WaitForWorkerAsync(int? except = null)
    {
        var registry = _factory.Services.GetRequiredService<WorkerRegistry>();
        await WaitUntilAsync(() => registry.Workers.Any(w => w.Registration.ProcessId != except), "a local worker to connect");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
