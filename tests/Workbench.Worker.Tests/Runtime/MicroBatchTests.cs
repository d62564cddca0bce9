using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Workbench.Core.Protocol;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>
/// Concurrent answers cost one decode, not one each: with a KV stream per sequence llama.cpp splits a batch whose
/// sequence ids do not ascend one by one into several micro-batches decoded one after another, which took away
/// almost all the gain of batching. llama.cpp's own batch debug log (LLAMA_BATCH_DEBUG) shows each split.
/// </summary>
[Collection(LlamaLogCaptureGroup.Name)]
public sealed partial class MicroBatchTests(DemoModelFixture demo) : IClassFixture<DemoModelFixture>, IAsyncLifetime
{
    private const int Streams = 4;
    private readonly LineLogger _lines = new();
    private ModelRuntime _runtime = null!;

    public Task InitializeAsync()
    {
        _runtime = TestRuntime.Create(_lines);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task Four_answers_decode_together_in_one_micro_batch_per_step()
    {
        await LoadPrintingBatchesAsync(Streams);
        List<Decode> shared = [];
        // Another test's load takes llama.cpp's (process-wide) log over for a moment; a round that saw no whole step
        // is run again.
        for (var round = 0; round < 3 && shared.Count == 0; round++)
        {
            _lines.Clear();
            var answers = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => Task.Run(() => AnswerAsync(i))));
            Assert.All(answers, a => Assert.Equal(GenerationOutcome.Completed, a.Outcome));
            shared = [.. Decodes(_lines.Snapshot()).Where(d => d.Tokens == Streams && d.Sequences == Streams)];
        }

        Assert.NotEmpty(shared);
        Assert.All(shared, d => Assert.Equal(1, d.MicroBatches));
    }

    [Fact]
    public async Task An_answer_ending_below_others_moves_the_highest_into_its_place_and_they_still_share_one_micro_batch()
    {
        await LoadPrintingBatchesAsync(3);
        List<Decode> afterGap = [];
        for (var round = 0; round < 3 && afterGap.Count == 0; round++)
        {
            _lines.Clear();
            // Admitted in this order they hold ids 0, 1 and 2; the short middle one ends while the others stream,
            // so the answer at id 2 moves to id 1 (its KV stream copied whole).
            var first = new Streamed(_runtime, Request(0, 120));
            await first.FirstToken;
            var middle = new Streamed(_runtime, Request(1, 40));
            await middle.FirstToken;
            var last = new Streamed(_runtime, Request(2, 120));
            var together = await Task.WhenAll(first.Text, middle.Text, last.Text);

            // The moved answer reads on from its copied stream: the same text as alone.
            Assert.Equal(await new Streamed(_runtime, Request(0, 120)).Text, together[0]);
            Assert.Equal(await new Streamed(_runtime, Request(2, 120)).Text, together[2]);
            var decodes = Decodes(_lines.Snapshot());
            var threeAtOnce = decodes.FindIndex(d => d.Tokens == 3 && d.Sequences == 3);
            if (threeAtOnce >= 0)
            {
                afterGap = [.. decodes.Skip(threeAtOnce).Where(d => d.Tokens == 2 && d.Sequences == 2)];
            }
        }

        Assert.NotEmpty(afterGap);
        Assert.All(afterGap, d => Assert.Equal(1, d.MicroBatches));
    }

    // llama.cpp reads LLAMA_BATCH_DEBUG when a context is made, so only this load prints its batches.
    private async Task LoadPrintingBatchesAsync(int sequences)
    {
        Assert.Equal(0, SetEnvironment("LLAMA_BATCH_DEBUG", "1", 1));
        ModelLoadResult loaded;
        try
        {
            loaded = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, 512, ParallelSequences: sequences), null, CancellationToken.None);
        }
        finally
        {
            Assert.Equal(0, UnsetEnvironment("LLAMA_BATCH_DEBUG"));
        }

        Assert.True(loaded.Succeeded, loaded.Error);
    }

    private static GenerationRequest Request(int index, int maxTokens) => new(
        Guid.NewGuid(),
        [new ChatTurn("user", $"Question {index}")],
        new SamplingSettings { MaxTokens = maxTokens, Seed = (uint)index + 1, IgnoreEndOfSequence = true });

    private async Task<GenerationCompletion> AnswerAsync(int index)
    {
        await foreach (var chunk in _runtime.GenerateAsync(Request(index, 24), CancellationToken.None))
        {
            if (chunk.Completion is { } completion)
            {
                return completion;
            }
        }

        throw new InvalidOperationException("The stream ended without a completion.");
    }

    /// <summary>One answer read in the background: when its first token came, and its whole text.</summary>
    private sealed class Streamed
    {
        private readonly TaskCompletionSource _firstToken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Streamed(ModelRuntime runtime, GenerationRequest request) => Text = Task.Run(() => ReadAsync(runtime, request));

        public Task FirstToken => _firstToken.Task;

        public Task<string> Text { get; }

        private async Task<string> ReadAsync(ModelRuntime runtime, GenerationRequest request)
        {
            var text = new System.Text.StringBuilder();
            await foreach (var chunk in runtime.GenerateAsync(request, CancellationToken.None))
            {
                text.Append(chunk.Text);
                if (chunk.TokenCount > 0)
                {
                    _firstToken.TrySetResult();
                }

                if (chunk.Completion is { } completion)
                {
                    Assert.Equal(GenerationOutcome.Completed, completion.Outcome);
                }
            }

            _firstToken.TrySetResult();
            return text.ToString();
        }
    }

    // One llama_decode call: its input ("init: input batch info", then n_tokens and n_seqs_unq), then one
    // "ubatch_add: added ubatch to split" per micro-batch it was cut into.
    private static List<Decode> Decodes(IReadOnlyList<string> lines)
    {
        var decodes = new List<Decode>();
        Decode? current = null;
        var readingInput = false;
        foreach (var line in lines)
        {
            if (line.Contains("input batch info", StringComparison.Ordinal))
            {
                current = new Decode();
                decodes.Add(current);
                readingInput = true;
            }
            else if (current is null)
            {
                continue;
            }
            else if (line.Contains("added ubatch to split", StringComparison.Ordinal))
            {
                current.MicroBatches++;
                readingInput = false;
            }
            else if (readingInput && Field().Match(line) is { Success: true } field)
            {
                var value = int.Parse(field.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (field.Groups["name"].Value == "n_tokens")
                {
                    current.Tokens = value;
                }
                else
                {
                    current.Sequences = value;
                }
            }
        }

        return decodes;
    }

    [GeneratedRegex(@"\b(?<name>n_tokens|n_seqs_unq)\s*=\s*(?<value>\d+)")]
    private static partial Regex Field();

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code. .NET's own
    // Environment.SetEnvironmentVariable does not reach the C environment llama.cpp reads.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setenv", ExactSpelling = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnvironment(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv", ExactSpelling = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int UnsetEnvironment(string name);
#pragma warning restore SYSLIB1054

    private sealed class Decode
    {
        public int Tokens { get; set; }

        public int Sequences { get; set; }

        public int MicroBatches { get; set; }
    }

    /// <summary>Keeps every line llama.cpp logs through the worker's backend.</summary>
    private sealed class LineLogger : ILogger<NativeBackend>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Clear() => _lines.Clear();

        public IReadOnlyList<string> Snapshot() => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }
}
