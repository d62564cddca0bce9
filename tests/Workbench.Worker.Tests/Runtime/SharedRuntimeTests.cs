using System.Diagnostics;
using Workbench.Core.DemoModel;
using Workbench.Core.Protocol;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>Several answers at once on one model, several models at once, embeddings: all through real llama.cpp.</summary>
[Collection(LlamaLogCaptureGroup.Name)]
public sealed class SharedRuntimeTests(DemoModelFixture demo) : IClassFixture<DemoModelFixture>, IAsyncLifetime
{
    private const int Streams = 4;

    private readonly ModelRuntime _runtime = TestRuntime.Create();

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-shared-runtime-");

    [Fact]
    public async Task Four_streams_on_one_model_interleave_and_each_matches_its_answer_alone()
    {
        await LoadAsync(demo.ModelPath, sequences: Streams);
        var requests = Enumerable.Range(0, Streams).Select(i => Request($"Question number {i}", seed: (uint)(10 + i), maxTokens: 120)).ToList();

        var together = await Task.WhenAll(requests.Select(r => Task.Run(() => TimedAsync(r))));
        var alone = new List<Timed>();
        foreach (var request in requests)
        {
            alone.Add(await TimedAsync(request with { RequestId = Guid.NewGuid() }));
        }

        // Interleaved: the last stream's first token came before the first stream had finished. Timed by the worker
        // (from each request's arrival), so a reader the thread pool runs late cannot make it look serial.
        var firstFinished = together.Min(t => t.Completion.TotalMs);
        var lastStarted = together.Max(t => t.Completion.TimeToFirstTokenMs);
        Assert.True(lastStarted < firstFinished, $"last first token at {lastStarted} ms, first finish at {firstFinished} ms");
        for (var i = 0; i < Streams; i++)
        {
            Assert.Equal(GenerationOutcome.Completed, together[i].Completion.Outcome);
            Assert.Equal(120, together[i].Completion.GeneratedTokens);
            Assert.Equal(alone[i].Text, together[i].Text);
        }

        // Different seeds gave different answers: the sequences did not share a sampler.
        Assert.True(together.Select(t => t.Text).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Cancelling_one_stream_leaves_the_other_three_complete()
    {
        // The stream to cancel asks for far more tokens than the others, so it is still running when its reader
        // cancels even if a busy machine delays that reader (chunks pile up and arrive together).
        const int longAnswer = 1900;
        await LoadAsync(demo.ModelPath, sequences: Streams, context: 2048);
        using var cancelFirst = new CancellationTokenSource();
        var requests = Enumerable.Range(0, Streams).Select(i => Request($"Question {i}", seed: 3, maxTokens: i == 0 ? longAnswer : 150)).ToList();

        var first = Task.Run(() => TimedAsync(requests[0], 5, cancelFirst, cancelFirst.Token));
        var others = requests.Skip(1).Select(r => Task.Run(() => TimedAsync(r))).ToList();
        var results = await Task.WhenAll([first, .. others]);

        Assert.Equal(GenerationOutcome.Cancelled, results[0].Completion.Outcome);
        Assert.InRange(results[0].Completion.GeneratedTokens, 5, longAnswer - 1);
        Assert.All(results.Skip(1), r =>
        {
            Assert.Equal(GenerationOutcome.Completed, r.Completion.Outcome);
            Assert.Equal(150, r.Completion.GeneratedTokens);
        });
    }

    [Fact]
    public async Task More_requests_than_slots_wait_for_a_free_slot_and_all_complete()
    {
        await LoadAsync(demo.ModelPath, sequences: 2);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() => TimedAsync(Request($"q{i}", seed: 1, maxTokens: 40)))));

        Assert.All(results, r => Assert.Equal(GenerationOutcome.Completed, r.Completion.Outcome));
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_for_a_slot_ends_at_once_and_the_running_answer_goes_on()
    {
        // A window the tiny model takes seconds to fill, so the running answer cannot end on its own first.
        await LoadAsync(demo.ModelPath, sequences: 1, context: 16384);
        using var stopRunning = new CancellationTokenSource();
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Task.Run(async () =>
        {
            await foreach (var chunk in _runtime.GenerateAsync(Request("Talk on", seed: 1, maxTokens: 16000), stopRunning.Token))
            {
                streaming.TrySetResult();
                if (chunk.Completion is { } completion)
                {
                    return completion;
                }
            }

            throw new InvalidOperationException("The stream ended without a completion.");
        });
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var cancelWaiting = new CancellationTokenSource();
        var waiting = Task.Run(() => TimedAsync(Request("Me next", seed: 1, maxTokens: 10), 0, null, cancelWaiting.Token));
        await Task.Delay(50);
        await cancelWaiting.CancelAsync();
        var cancelled = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        var runningWhenCancelled = !running.IsCompleted;
        await stopRunning.CancelAsync();

        Assert.Equal(GenerationOutcome.Cancelled, cancelled.Completion.Outcome);
        Assert.Equal(0, cancelled.Completion.GeneratedTokens);
        Assert.True(runningWhenCancelled, "the waiting request ended only once the running answer had");
        Assert.Equal(GenerationOutcome.Cancelled, (await running.WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
    }

    [Fact]
    public async Task Two_models_stay_resident_and_both_answer_without_a_reload()
    {
        var second = Path.Combine(_directory.FullName, "second.gguf");
        DemoModelGenerator.Write(second, new DemoModelOptions { Seed = 99, EmbeddingLength = 96, HeadCount = 4, HeadCountKv = 4 });
        var firstLoad = await LoadAsync(demo.ModelPath, sequences: 2);
        var secondLoad = await LoadAsync(second, sequences: 2);

        var answers = await Task.WhenAll(
            Task.Run(() => TimedAsync(Request("to the first", 5, 30) with { ModelPath = demo.ModelPath })),
            Task.Run(() => TimedAsync(Request("to the second", 5, 30) with { ModelPath = second })));
        var again = await LoadAsync(demo.ModelPath, sequences: 2);

        Assert.Equal(new[] { demo.ModelPath, second }.Order(StringComparer.Ordinal), _runtime.ResidentPaths.Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.Equal(GenerationOutcome.Completed, a.Completion.Outcome));
        // Same settings: the resident model is reported again, not loaded a second time.
        Assert.Equal(firstLoad.LoadMilliseconds, again.LoadMilliseconds);
        Assert.NotEqual(firstLoad.SizeBytes, secondLoad.SizeBytes);

        Assert.True(await _runtime.UnloadAsync(demo.ModelPath, CancellationToken.None));
        Assert.Equal([second], _runtime.ResidentPaths);
        var afterUnload = await TimedAsync(Request("first gone", 5, 10) with { ModelPath = demo.ModelPath });
        Assert.Equal(GenerationOutcome.Failed, afterUnload.Completion.Outcome);
        Assert.Contains("not loaded", afterUnload.Completion.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_sequences_each_get_the_full_window_and_llama_cpp_allocates_the_kv_for_all()
    {
        var one = await LoadAsync(demo.ModelPath, sequences: 1, context: 2048);
        var four = await LoadAsync(demo.ModelPath, sequences: 4, context: 2048);

        Assert.Equal(2048, four.ContextSize);
        Assert.Equal(4, four.ParallelSequences);
        Assert.Equal(4 * one.Buffers!.KvCacheBytes, four.Buffers!.KvCacheBytes);
        Assert.True(four.Threads >= 1 && four.BatchThreads >= 1);
    }

    [Fact]
    public async Task Embeddings_are_unit_vectors_of_the_models_width_and_stable_for_the_same_input()
    {
        await LoadAsync(demo.ModelPath, sequences: 2);

        var result = await _runtime.EmbedAsync(new EmbeddingRequest(demo.ModelPath, ["the same words", "other words", "the same words"]), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(3, result.Vectors.Count);
        Assert.All(result.Vectors, v => Assert.Equal(DemoModelOptions.Tiny.EmbeddingLength, v.Length));
        Assert.Equal(1.0, Cosine(result.Vectors[0], result.Vectors[0]), 5);
        Assert.Equal(result.Vectors[0], result.Vectors[2]);
        Assert.NotEqual(result.Vectors[0], result.Vectors[1]);
        Assert.True(result.PromptTokens > 0);
    }

    [Fact]
    public async Task A_generated_q8_0_model_loads_with_llama_cpps_own_size_and_answers()
    {
        var path = Path.Combine(_directory.FullName, "q8.gguf");
        DemoModelGenerator.Write(path, new DemoModelOptions { WeightType = Workbench.Core.Gguf.GgmlType.Q8_0, EmbeddingLength = 128, FeedForwardLength = 256 });

        var loaded = await LoadAsync(path, sequences: 1);
        var answer = await TimedAsync(Request("q8", 1, 16) with { ModelPath = path });

        // llama.cpp's model size is the tensor data our writer laid out: every weight at 34 bytes per 32 values.
        Assert.Equal((ulong)Workbench.Core.Gguf.GgufReader.ReadFile(path).Tensors.Sum(t => t.ByteSize), loaded.SizeBytes);
        Assert.Equal(GenerationOutcome.Completed, answer.Completion.Outcome);
    }

    [Fact]
    public async Task Embedding_with_a_model_that_is_not_resident_says_so()
    {
        var result = await _runtime.EmbedAsync(new EmbeddingRequest(demo.ModelPath, ["x"]), CancellationToken.None);

        Assert.Empty(result.Vectors);
        Assert.Contains("not loaded", result.Error, StringComparison.Ordinal);
    }

    private async Task<ModelLoadResult> LoadAsync(string path, int sequences, int context = 512)
    {
        var result = await _runtime.LoadAsync(new ModelLoadRequest(path, context, ParallelSequences: sequences), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        return result;
    }

    private static GenerationRequest Request(string text, uint seed, int maxTokens) => new(
        Guid.NewGuid(),
        [new ChatTurn("user", text)],
        new SamplingSettings { MaxTokens = maxTokens, Seed = seed, IgnoreEndOfSequence = true });

    private Task<Timed> TimedAsync(GenerationRequest request) => TimedAsync(request, 0, null, CancellationToken.None);

    private async Task<Timed> TimedAsync(GenerationRequest request, int cancelAfterTokens, CancellationTokenSource? cancel, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var text = new System.Text.StringBuilder();
        double firstToken = -1;
        var tokens = 0;
        await foreach (var chunk in _runtime.GenerateAsync(request, cancellationToken))
        {
            if (chunk.Completion is { } completion)
            {
                return new Timed(text.ToString(), completion, firstToken, clock.Elapsed.TotalMilliseconds);
            }

            if (firstToken < 0)
            {
                firstToken = clock.Elapsed.TotalMilliseconds;
            }

            text.Append(chunk.Text);
            tokens += chunk.TokenCount;
            if (cancel is not null && tokens >= cancelAfterTokens)
            {
                await cancel.CancelAsync();
            }
        }

        throw new InvalidOperationException("The stream ended without a completion.");
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _runtime.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private sealed record Timed(string Text, GenerationCompletion Completion, double FirstTokenAt, double FinishedAt);
}
