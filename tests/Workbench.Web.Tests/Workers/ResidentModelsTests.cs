using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Core.Protocol;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>Which models stay resident on a real worker when another is asked for: the count limit, the budget, LRU.</summary>
public sealed class ResidentModelsTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new("resident", ("Workbench:Runtime:MaxLoadedModels", "2"));

    private WorkerGateway Gateway => _server.Services.GetRequiredService<WorkerGateway>();

    private WorkerRegistry Registry => _server.Services.GetRequiredService<WorkerRegistry>();

    public Task InitializeAsync() => RealWorkerServer.WaitUntilAsync(() => Registry.PickWorker() is not null, "the worker to connect");

    [Fact]
    public async Task A_third_model_unloads_the_least_recently_used_one()
    {
        var (a, b, c) = (Model(_server, "a", 1), Model(_server, "b", 2), Model(_server, "c", 3));
        await AnswerAsync(Gateway, a);
        await AnswerAsync(Gateway, b);
        await AnswerAsync(Gateway, a); // a is now more recent than b

        await AnswerAsync(Gateway, c);

        Assert.Equal(new[] { a, c }.Order(), Registry.PickWorker()!.Resident.Select(m => m.Path).Order());
        await RealWorkerServer.WaitUntilAsync(
            () => File.ReadAllText(Path.Combine(_server.DataDirectory, "logs", "worker.log")).Contains($"Unloaded {b}", StringComparison.Ordinal),
            "the worker to unload b");
    }

    [Fact]
    public async Task A_model_that_is_answering_is_never_unloaded_to_make_room()
    {
        var (a, b, c) = (Model(_server, "a", 1), Model(_server, "b", 2), Model(_server, "c", 3));
        await AnswerAsync(Gateway, a);
        var reading = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        GenerationCompletion? longAnswer = null;
        var running = Task.Run(async () =>
        {
            await foreach (var chunk in Gateway.GenerateAsync(Request(64), new ModelLoadRequest(a, 512), CancellationToken.None))
            {
                longAnswer = chunk.Completion ?? longAnswer;
                reading.TrySetResult();
                await release.Task;
            }
        });
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await AnswerAsync(Gateway, b);

        // a is the least recently used, but it is answering: b goes instead.
        await AnswerAsync(Gateway, c);
        Assert.Equal(new[] { a, c }.Order(), Registry.PickWorker()!.Resident.Select(m => m.Path).Order());
        release.SetResult();
        await running.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(GenerationOutcome.Completed, longAnswer!.Outcome);
    }

    [Fact]
    public async Task A_memory_budget_too_small_for_two_keeps_one_model_at_a_time()
    {
        await using var tight = new RealWorkerServer("budget", ("Workbench:Runtime:MemoryBudgetMiB", "1"));
        var registry = tight.Services.GetRequiredService<WorkerRegistry>();
        var gateway = tight.Services.GetRequiredService<WorkerGateway>();
        await RealWorkerServer.WaitUntilAsync(() => registry.PickWorker() is not null, "the worker to connect");
        var (a, b) = (Model(tight, "a", 1), Model(tight, "b", 2));

        await AnswerAsync(gateway, a);
        await AnswerAsync(gateway, b);

        Assert.Equal([b], registry.PickWorker()!.Resident.Select(m => m.Path));
    }

    private static string Model(RealWorkerServer server, string name, int seed)
    {
        var path = Path.Combine(server.DataDirectory, name + ".gguf");
        if (!File.Exists(path))
        {
            DemoModelGenerator.Write(path, new DemoModelOptions { Seed = seed });
        }

        return path;
    }

    private static async Task AnswerAsync(WorkerGateway gateway, string model)
    {
        GenerationCompletion? done = null;
        await foreach (var chunk in gateway.GenerateAsync(Request(4), new ModelLoadRequest(model, 512), CancellationToken.None))
        {
            done = chunk.Completion ?? done;
        }

        Assert.Equal(GenerationOutcome.Completed, done?.Outcome);
    }

    private static GenerationRequest Request(int maxTokens) =>
        new(Guid.NewGuid(), [new ChatTurn("user", "Hello")], new SamplingSettings { MaxTokens = maxTokens, Seed = 5, IgnoreEndOfSequence = true });

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
