using Workbench.Core.Gguf;
using Workbench.Core.Protocol;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

[Collection(LlamaLogCaptureGroup.Name)]
public sealed class ModelRuntimeTests(DemoModelFixture demo) : IClassFixture<DemoModelFixture>, IAsyncLifetime
{
    private readonly ModelRuntime _runtime = TestRuntime.Create();

    [Fact]
    public async Task Loading_the_generated_model_reports_the_parameters_our_reader_counts()
    {
        var result = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, ContextSize: 256), null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal((ulong)GgufReader.ReadFile(demo.ModelPath).Facts.ParameterCount, result.ParameterCount);
        Assert.Equal(256, result.ContextSize);
        // llama.cpp's own account of what it allocated, measured during the load.
        Assert.NotNull(result.Buffers);
        Assert.True(result.Buffers.ModelBytes > 0 && result.Buffers.KvCacheBytes > 0 && result.Buffers.ComputeBytes > 0, result.Buffers.ToString());
        Assert.Equal(0, result.Buffers.GpuBytes);
    }

    [Fact]
    public async Task Loading_reports_progress_up_to_completion()
    {
        var reported = new List<float>();

        var result = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath), new SynchronousProgress(reported.Add), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.NotEmpty(reported);
        Assert.Equal(1f, reported[^1], 3);
    }

    [Fact]
    public async Task A_load_cancelled_while_llama_cpp_reads_the_model_stops_with_nothing_loaded_and_the_next_load_works()
    {
        await LoadAsync();
        var reportsAfterCancel = 0;
        var cancelled = false;
        var load = new ModelLoadRequest(demo.ModelPath, LoadId: Guid.NewGuid());

        // Cancelled from llama.cpp's first progress callback, so the load is certainly under way.
        var result = await _runtime.LoadAsync(
            load,
            new SynchronousProgress(_ =>
            {
                if (cancelled)
                {
                    reportsAfterCancel++;
                }

                cancelled |= _runtime.CancelLoad(load.LoadId!.Value);
            }),
            CancellationToken.None);

        Assert.True(cancelled);
        Assert.False(result.Succeeded);
        Assert.Contains("was cancelled", result.Error, StringComparison.Ordinal);
        Assert.Null(_runtime.LoadedModelPath);
        Assert.Equal(0, reportsAfterCancel);

        var again = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath), null, CancellationToken.None);
        Assert.True(again.Succeeded, again.Error);
    }

    [Fact]
    public async Task A_load_cancelled_before_it_starts_ends_as_soon_as_it_starts_and_a_cancel_for_another_load_changes_nothing()
    {
        await LoadAsync();
        var load = new ModelLoadRequest(demo.ModelPath, LoadId: Guid.NewGuid());

        // The cancel can overtake its load, e.g. while the load waits for an answer in progress.
        Assert.False(_runtime.CancelLoad(load.LoadId!.Value));
        var cancelled = await _runtime.LoadAsync(load, null, CancellationToken.None);
        var other = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, LoadId: Guid.NewGuid()), null, CancellationToken.None);

        Assert.Contains("was cancelled", cancelled.Error, StringComparison.Ordinal);
        Assert.True(other.Succeeded, other.Error);
        Assert.Equal(demo.ModelPath, _runtime.LoadedModelPath);
    }

    [Fact]
    public async Task The_generated_model_streams_at_least_sixteen_tokens_up_to_the_limit()
    {
        await LoadAsync();

        var chunks = await CollectAsync(Request(maxTokens: 24));

        var completion = Assert.IsType<GenerationCompletion>(chunks[^1].Completion);
        Assert.Equal(GenerationOutcome.Completed, completion.Outcome);
        // The demo model never samples end-of-sequence, so it always runs to the limit.
        Assert.Equal(24, completion.GeneratedTokens);
        Assert.Equal(completion.GeneratedTokens, chunks.Sum(c => c.TokenCount));
        Assert.True(completion.PromptTokens > 0);
        Assert.True(completion.TimeToFirstTokenMs > 0);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_answer()
    {
        await LoadAsync();

        var first = string.Concat((await CollectAsync(Request(maxTokens: 16))).Select(c => c.Text));
        var second = string.Concat((await CollectAsync(Request(maxTokens: 16))).Select(c => c.Text));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Logprobs_come_with_each_token_and_a_greedy_answer_takes_the_most_likely_one()
    {
        await LoadAsync();
        var request = new GenerationRequest(
            Guid.NewGuid(), [new ChatTurn("user", "Hello there")], new SamplingSettings { MaxTokens = 12, Temperature = 0, Logprobs = 3, IgnoreEndOfSequence = true });

        var chunks = await CollectAsync(request);

        var tokens = chunks.Where(c => c.Completion is null).SelectMany(c => c.Logprobs!).ToList();
        Assert.Equal(12, tokens.Count);
        Assert.All(tokens, t =>
        {
            Assert.Equal(3, t.Top.Count);
            Assert.True(t.Logprob <= 0, $"logprob {t.Logprob}");
            Assert.Equal(t.Top[0].Token, t.Token);
            Assert.Equal(t.Top[0].Logprob, t.Logprob);
            Assert.True(t.Top[0].Logprob >= t.Top[1].Logprob && t.Top[1].Logprob >= t.Top[2].Logprob);
        });
        // The tokens' bytes are the answer, byte for byte.
        var text = string.Concat(chunks.Select(c => c.Text));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), tokens.SelectMany(t => t.Bytes));
    }

    [Fact]
    public async Task Without_logprobs_asked_none_are_sent()
    {
        await LoadAsync();

        var chunks = await CollectAsync(Request(maxTokens: 4));

        Assert.All(chunks, c => Assert.Null(c.Logprobs));
    }

    [Fact]
    public async Task Cancelling_ends_the_stream_with_a_cancelled_completion()
    {
        // A long window, so the answer cannot run to its end before the cancel lands, however fast the machine:
        // with a 512-token window a fast machine could finish the answer before the cancel was seen.
        var loaded = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, ContextSize: 8192), null, CancellationToken.None);
        Assert.True(loaded.Succeeded, loaded.Error);
        using var cancellation = new CancellationTokenSource();
        var chunks = new List<GenerationChunk>();

        await foreach (var chunk in _runtime.GenerateAsync(Request(maxTokens: 100_000), cancellation.Token))
        {
            chunks.Add(chunk);
            if (chunks.Count == 3)
            {
                await cancellation.CancelAsync();
            }
        }

        Assert.Equal(GenerationOutcome.Cancelled, chunks[^1].Completion?.Outcome);
        Assert.InRange(chunks[^1].Completion!.GeneratedTokens, 3, 1000);
    }

    [Fact]
    public async Task An_answer_longer_than_the_context_stops_at_the_window_and_says_so()
    {
        await LoadAsync();
        // Guards the test only: before the fix, llama.cpp's context shift never returned.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var chunks = new List<GenerationChunk>();

        await foreach (var chunk in _runtime.GenerateAsync(Request(maxTokens: 1500), guard.Token))
        {
            chunks.Add(chunk);
        }

        var completion = Assert.IsType<GenerationCompletion>(chunks[^1].Completion);
        Assert.Equal(GenerationOutcome.Completed, completion.Outcome);
        Assert.True(completion.StoppedAtContextEnd);
        Assert.Equal(512, completion.ContextSize);
        Assert.Equal(511, completion.PromptTokens + completion.GeneratedTokens);
    }

    [Fact]
    public async Task An_answer_within_the_context_is_not_marked_as_cut_off()
    {
        await LoadAsync();

        var completion = (await CollectAsync(Request(maxTokens: 8)))[^1].Completion;

        Assert.False(completion?.StoppedAtContextEnd);
        Assert.Equal(512, completion?.ContextSize);
    }

    [Fact]
    public async Task Unloading_frees_the_model_and_later_answers_say_none_is_loaded()
    {
        await LoadAsync();

        Assert.True(await _runtime.UnloadAsync(CancellationToken.None));
        Assert.Null(_runtime.LoadedModelPath);
        Assert.False(await _runtime.UnloadAsync(CancellationToken.None));
        var completion = (await CollectAsync(Request(maxTokens: 4)))[^1].Completion;
        Assert.Contains("No model is loaded", completion?.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generating_without_a_loaded_model_fails_with_a_clear_message()
    {
        var chunks = await CollectAsync(Request(maxTokens: 4));

        var completion = Assert.Single(chunks).Completion;
        Assert.Equal(GenerationOutcome.Failed, completion?.Outcome);
        Assert.Contains("No model is loaded", completion?.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_a_missing_file_fails_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-model.gguf");

        var result = await _runtime.LoadAsync(new ModelLoadRequest(path), null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_a_file_that_is_not_a_model_fails_without_crashing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(path, "this is not a GGUF file");
        try
        {
            var result = await _runtime.LoadAsync(new ModelLoadRequest(path), null, CancellationToken.None);

            Assert.False(result.Succeeded);
            Assert.Contains("could not load", result.Error, StringComparison.Ordinal);
            // The cause is only in llama.cpp's log; the failure carries it.
            Assert.Contains("llama.cpp said:", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task LoadAsync()
    {
        var result = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, ContextSize: 512), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
    }

    private static GenerationRequest Request(int maxTokens) => new(
        Guid.NewGuid(),
        [new ChatTurn("user", "Hello there")],
        new SamplingSettings { MaxTokens = maxTokens, Seed = 7 });

    private async Task<List<GenerationChunk>> CollectAsync(GenerationRequest request)
    {
        var chunks = new List<GenerationChunk>();
        await foreach (var chunk in _runtime.GenerateAsync(request, CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    private sealed class SynchronousProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }
}
