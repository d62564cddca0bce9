using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>Several clients and the keep-alive sharing one real worker process over the real hub.</summary>
public sealed class SharingTheWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(2);
    private readonly RealWorkerServer _server = new("sharing", ("Workbench:ModelKeepAlive", "00:00:02"));

    private WorkerGateway Gateway => _server.Services.GetRequiredService<WorkerGateway>();

    private WorkerRegistry Registry => _server.Services.GetRequiredService<WorkerRegistry>();

    public Task InitializeAsync() => RealWorkerServer.WaitUntilAsync(() => Registry.PickWorker() is not null, "the worker to connect");

    [Fact]
    public async Task Two_clients_at_once_are_answered_together_on_a_model_with_two_slots()
    {
        await LoadDemoModelAsync(sequences: 2);
        var results = new Dictionary<string, (long FirstToken, long Finished, GenerationCompletion Completion)>();

        async Task AskAsync(string who, uint seed)
        {
            var request = new GenerationRequest(Guid.NewGuid(), [new ChatTurn("user", who)], new SamplingSettings { MaxTokens = 200, Seed = seed, IgnoreEndOfSequence = true });
            long first = 0;
            await foreach (var chunk in Gateway.GenerateAsync(request, CancellationToken.None))
            {
                if (first == 0 && chunk.TokenCount > 0)
                {
                    first = Stopwatch.GetTimestamp();
                }

                if (chunk.Completion is { } completion)
                {
                    lock (results)
                    {
                        results[who] = (first, Stopwatch.GetTimestamp(), completion);
                    }
                }
            }
        }

        await Task.WhenAll(AskAsync("first", 1), AskAsync("second", 2)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(results.Values, r => Assert.Equal(200, r.Completion.GeneratedTokens));
        // Interleaved: each answer's first token came before the other one finished.
        Assert.True(results["second"].FirstToken < results["first"].Finished);
        Assert.True(results["first"].FirstToken < results["second"].Finished);
    }

    [Fact]
    public async Task With_one_slot_a_second_client_waits_in_line_and_hears_its_place()
    {
        await LoadDemoModelAsync(sequences: 1);
        var firstIsReading = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = Task.Run(async () =>
        {
            await foreach (var _ in Gateway.GenerateAsync(Request(64), CancellationToken.None))
            {
                firstIsReading.TrySetResult();
                await release.Task;
            }
        });
        await firstIsReading.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var ahead = -1;

        var second = LastAsync(Gateway.GenerateAsync(Request(8), null, CancellationToken.None, position => ahead = position));
        var slots = _server.Services.GetRequiredService<ModelSlots>();
        var worker = Registry.PickWorker()!;
        await RealWorkerServer.WaitUntilAsync(() => slots.Waiting(worker.ConnectionId, worker.LoadedModel!.ModelPath!) == 1, "the second request to queue");
        Assert.Equal(1, ahead);
        Assert.Equal(1, Registry.PickWorker()!.MostRecentlyUsed!.Waiting);
        release.SetResult();

        await first.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(GenerationOutcome.Completed, (await second.WaitAsync(TimeSpan.FromSeconds(60))).Outcome);
    }

    [Fact]
    public async Task An_idle_model_is_unloaded_after_the_keep_alive_and_a_new_message_loads_it_again()
    {
        await LoadDemoModelAsync();
        await foreach (var _ in Gateway.GenerateAsync(Request(8), CancellationToken.None))
        {
        }

        var idleSince = Stopwatch.GetTimestamp();
        Assert.NotNull(_server.Services.GetRequiredService<ModelKeepAlive>().UnloadsAt(Registry.PickWorker()!));
        await RealWorkerServer.WaitUntilAsync(() => Registry.PickWorker()!.LoadedModel is null, "the keep-alive to unload the model");
        var unloadedAfter = Stopwatch.GetElapsedTime(idleSince);

        Assert.InRange(unloadedAfter, KeepAlive - TimeSpan.FromMilliseconds(100), KeepAlive + TimeSpan.FromSeconds(5));
        var afterUnload = await LastAsync(Gateway.GenerateAsync(Request(4), CancellationToken.None));
        Assert.Equal(GenerationOutcome.Failed, afterUnload.Outcome);
        Assert.Contains("No model is loaded", afterUnload.Error, StringComparison.Ordinal);

        await LoadDemoModelAsync();
        var again = await LastAsync(Gateway.GenerateAsync(Request(4), CancellationToken.None));
        Assert.Equal(GenerationOutcome.Completed, again.Outcome);
    }

    [Fact]
    public async Task Two_models_stay_resident_and_answer_at_the_same_time_without_a_reload()
    {
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        var other = Path.Combine(_server.DataDirectory, "other.gguf");
        Workbench.Core.DemoModel.DemoModelGenerator.Write(other, new Workbench.Core.DemoModel.DemoModelOptions { Seed = 99 });
        var withDemo = new ModelLoadRequest(demo, ContextSize: 512);
        var withOther = new ModelLoadRequest(other, ContextSize: 512);
        var expected = await TextAsync(Gateway.GenerateAsync(Request(16), withDemo, CancellationToken.None));
        var demoLoad = Registry.PickWorker()!.FindResident(demo)!.Load;

        var answers = await Task.WhenAll(
            TextAsync(Gateway.GenerateAsync(Request(16), withOther, CancellationToken.None)),
            TextAsync(Gateway.GenerateAsync(Request(16), withDemo, CancellationToken.None)));

        var worker = Registry.PickWorker()!;
        Assert.Equal(2, worker.Resident.Count);
        // The demo model was not loaded again: the same load, and the same answer for the same seed.
        Assert.Same(demoLoad, worker.FindResident(demo)!.Load);
        Assert.Equal(expected, answers[1]);
        Assert.NotEqual(expected, answers[0]);
    }

    [Fact]
    public async Task After_a_load_the_estimate_stands_beside_what_llama_cpp_allocated()
    {
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        var library = _server.Services.GetRequiredService<LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.Models.Any(m => m.PrimaryPath == demo), "the demo model to be indexed");

        await LoadDemoModelAsync();

        var rows = _server.Services.GetRequiredService<Workbench.Web.Estimation.LoadMeasurements>().ForPath(demo);
        Assert.NotNull(rows);
        Assert.Equal(["weights", "KV cache", "compute", "total"], rows.Select(r => r.Part));
        Assert.All(rows, r => Assert.True(r.MeasuredBytes > 0, r.Part));
        // Weights and KV follow exact formulas, up to llama.cpp printing MiB with two decimals; the compute
        // buffer is a fitted estimate (see the accuracy tests in the worker's tests).
        static long Tolerance(LoadComparisonRow row) => Math.Max(row.MeasuredBytes / 1000, 6 * 1024 * 1024 / 1000);
        Assert.InRange(Math.Abs(rows[0].EstimatedBytes - rows[0].MeasuredBytes), 0, Tolerance(rows[0]));
        Assert.InRange(Math.Abs(rows[1].EstimatedBytes - rows[1].MeasuredBytes), 0, Tolerance(rows[1]));
        // The demo model's total is mostly compute buffer, where the fitted formula misses most on tiny shapes.
        Assert.InRange(Math.Abs(rows[2].Error), 0, 0.30);
        Assert.InRange(Math.Abs(rows[3].Error), 0, 0.30);
    }

    [Fact]
    public async Task A_measured_load_corrects_later_estimates_of_that_model_and_is_kept_in_the_database()
    {
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        var library = _server.Services.GetRequiredService<LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.Models.Any(m => m.PrimaryPath == demo), "the demo model to be indexed");
        var id = library.FindByPath(demo)!.Id;
        using var client = _server.CreateClient();
        var before = await client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&vramBytes=0");

        await LoadDemoModelAsync();

        var measured = Registry.PickWorker()!.LoadedModel!.Buffers!.TotalBytes;
        var corrected = await client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&vramBytes=0");
        var formulas = await client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&vramBytes=0&applyMeasuredLoad=false");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("correctedByMeasuredLoad").ValueKind);
        Assert.Equal(JsonValueKind.Null, formulas.GetProperty("correctedByMeasuredLoad").ValueKind);
        Assert.Contains("compute", corrected.GetProperty("correctedByMeasuredLoad").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.GetProperty("totalRamBytes").GetInt64(), formulas.GetProperty("totalRamBytes").GetInt64());
        // At the load's own settings the corrected figure is what llama.cpp allocated, up to rounding; the formulas
        // alone miss the demo model's compute buffer by more.
        var correctedMiss = Math.Abs(corrected.GetProperty("totalRamBytes").GetInt64() - measured);
        Assert.InRange(correctedMiss, 0, 16 * 1024);
        Assert.True(correctedMiss < Math.Abs(formulas.GetProperty("totalRamBytes").GetInt64() - measured));

        var store = _server.Services.GetRequiredService<LoadMeasurementStore>();
        var deadline = Stopwatch.StartNew();
        while (!(await store.LoadAsync()).Any(l => l.ModelId == id) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var stored = Assert.Single(await store.LoadAsync(), l => l.ModelId == id);
        Assert.Equal(measured, stored.Measured.Total);

        // The telemetry charts' reference line is the same formula-only estimate, all of it in RAM on this CPU worker.
        var reference = _server.Services.GetRequiredService<LoadedModelEstimates>().ReferenceFor(Registry.PickWorker()!);
        Assert.NotNull(reference);
        Assert.Equal(formulas.GetProperty("totalRamBytes").GetInt64(), reference.RamBytes);
        Assert.Empty(reference.GpuBytesByIndex);
    }

    [Fact]
    public async Task Cancelling_a_load_stops_the_worker_and_leaves_the_dashboard_in_step_with_it()
    {
        // ≈ 100 MB, so llama.cpp is still reading tensors when the cancel arrives right behind the load.
        var large = Path.Combine(_server.DataDirectory, "large.gguf");
        Workbench.Core.DemoModel.DemoModelGenerator.Write(large, Workbench.Core.DemoModel.DemoModelOptions.Large);
        using var cancel = new CancellationTokenSource();
        Registry.Changed += CancelOnceLoading;

        var load = Gateway.LoadModelAsync(new ModelLoadRequest(large, ContextSize: 512), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        Registry.Changed -= CancelOnceLoading;
        // The gateway held the turn until the worker answered "cancelled": the dashboard shows what the worker holds.
        var worker = Registry.PickWorker()!;
        Assert.Null(worker.Loading);
        Assert.Null(worker.LoadedModel);
        var log = Path.Combine(_server.DataDirectory, "logs", "worker.log");
        await RealWorkerServer.WaitUntilAsync(
            () => File.ReadAllText(log).Contains($"Loading {large} was cancelled", StringComparison.Ordinal), "the worker to log the cancelled load");

        // And the worker serves the next request.
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        Assert.NotEmpty(await TextAsync(Gateway.GenerateAsync(Request(4), new ModelLoadRequest(demo, ContextSize: 512), CancellationToken.None)));

        void CancelOnceLoading()
        {
            if (Registry.PickWorker()?.Loading?.ModelPath == large)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public async Task Every_answer_through_the_gateway_adds_to_the_measured_speed_of_its_model_on_its_host()
    {
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        await LoadDemoModelAsync();
        GenerationCompletion? done = null;

        await foreach (var chunk in Gateway.GenerateAsync(Request(48), CancellationToken.None))
        {
            done = chunk.Completion ?? done;
        }

        var host = Registry.PickWorker()!.Registration.HostName;
        var measured = _server.Services.GetRequiredService<MeasuredSpeeds>().For(host, demo);
        Assert.NotNull(measured);
        Assert.Equal(1, measured.Answers);
        Assert.Equal(done!.TokensPerSecond, measured.MedianTokensPerSecond);
    }

    [Fact]
    public async Task Asking_for_a_longer_window_reloads_the_model_and_a_shorter_one_keeps_it()
    {
        var demo = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        await LoadDemoModelAsync();

        await TextAsync(Gateway.GenerateAsync(Request(4), new ModelLoadRequest(demo, ContextSize: 1024), CancellationToken.None));
        var reloaded = Registry.PickWorker()!.LoadedModel;
        Assert.Equal(1024, reloaded?.ContextSize);

        await TextAsync(Gateway.GenerateAsync(Request(4), new ModelLoadRequest(demo, ContextSize: 512), CancellationToken.None));
        Assert.Same(reloaded, Registry.PickWorker()!.LoadedModel);
    }

    [Fact]
    public async Task A_load_a_prompt_and_a_generation_are_marked_in_order_on_the_activity_log()
    {
        var started = DateTimeOffset.UtcNow;
        await LoadDemoModelAsync();
        await foreach (var _ in Gateway.GenerateAsync(Request(32), CancellationToken.None))
        {
        }

        var host = Registry.PickWorker()!.Registration.HostName;
        var spans = _server.Services.GetRequiredService<Workbench.Web.Telemetry.WorkerActivityLog>().Since(host, started);

        Assert.Equal(
            [Workbench.Web.Telemetry.WorkerActivity.Loading, Workbench.Web.Telemetry.WorkerActivity.Prompt, Workbench.Web.Telemetry.WorkerActivity.Generating],
            spans.TakeLast(3).Select(s => s.Activity));
        Assert.All(spans, s => Assert.NotNull(s.End));
        Assert.True(spans.Zip(spans.Skip(1)).All(p => p.First.End <= p.Second.Start), "spans follow one another");
    }

    [Fact]
    public async Task Unloading_by_hand_frees_the_worker_and_says_whether_a_model_was_loaded()
    {
        await LoadDemoModelAsync();
        var connection = Registry.PickWorker()!.ConnectionId;

        Assert.True(await Gateway.UnloadModelAsync(connection, CancellationToken.None));
        Assert.Null(Registry.PickWorker()!.LoadedModel);
        Assert.False(await Gateway.UnloadModelAsync(connection, CancellationToken.None));
    }

    [Fact]
    public async Task The_first_run_demo_model_loads_and_answers_with_a_q4_0_cache()
    {
        var model = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        var q4 = new ModelLoadRequest(model, ContextSize: 512, Overrides: new LoadOverrides(KvCache: Workbench.Core.Estimation.KvCacheType.Q4_0));

        var result = await Gateway.LoadModelAsync(q4, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Workbench.Core.Estimation.KvCacheType.Q4_0, result.KvCache);
        Assert.NotEmpty(await TextAsync(Gateway.GenerateAsync(Request(4), q4, CancellationToken.None)));
    }

    private async Task LoadDemoModelAsync(int sequences = 1)
    {
        var model = _server.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
        var result = await Gateway.LoadModelAsync(new ModelLoadRequest(model, ContextSize: 512, ParallelSequences: sequences), CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
    }

    private static GenerationRequest Request(int maxTokens) =>
        new(Guid.NewGuid(), [new ChatTurn("user", "Hello")], new SamplingSettings { MaxTokens = maxTokens, Seed = 5 });

    private static async Task<string> TextAsync(IAsyncEnumerable<GenerationChunk> chunks)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var chunk in chunks)
        {
            text.Append(chunk.Text);
            Assert.NotEqual(GenerationOutcome.Failed, chunk.Completion?.Outcome);
        }

        return text.ToString();
    }

    private static async Task<GenerationCompletion> LastAsync(IAsyncEnumerable<GenerationChunk> chunks)
    {
        GenerationCompletion? completion = null;
        await foreach (var chunk in chunks)
        {
            completion = chunk.Completion ?? completion;
        }

        return completion!;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
