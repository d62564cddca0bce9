using System.Threading.Channels;
using Workbench.Core.Protocol;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class ChunkCoalescingTests
{
    [Fact]
    public void Waiting_text_chunks_go_out_as_one_in_order()
    {
        var channel = Channel.CreateUnbounded<GenerationChunk>();
        channel.Writer.TryWrite(new GenerationChunk("a", 1));
        channel.Writer.TryWrite(new GenerationChunk("b", 1));
        channel.Writer.TryWrite(new GenerationChunk("c", 2));

        var merged = ModelRuntime.Coalesce(channel.Reader);

        Assert.Equal(new GenerationChunk("abc", 4), merged);
        Assert.Null(ModelRuntime.Coalesce(channel.Reader));
    }

    [Fact]
    public void Merged_chunks_keep_every_tokens_logprob_in_order()
    {
        var channel = Channel.CreateUnbounded<GenerationChunk>();
        TokenLogprob Token(string text) => new(text, -0.5, System.Text.Encoding.UTF8.GetBytes(text), []);
        channel.Writer.TryWrite(new GenerationChunk("a", 1, Logprobs: [Token("a")]));
        channel.Writer.TryWrite(new GenerationChunk("b", 1, Logprobs: [Token("b")]));

        var merged = ModelRuntime.Coalesce(channel.Reader);

        Assert.Equal(["a", "b"], merged!.Logprobs!.Select(t => t.Token));
    }

    [Fact]
    public void A_reader_far_behind_gets_tokens_with_logprobs_in_bounded_chunks()
    {
        var channel = Channel.CreateUnbounded<GenerationChunk>();
        var alternatives = Enumerable.Range(0, 20).Select(i => new TokenAlternative($"t{i}", -i, [(byte)'t'])).ToList();
        for (var i = 0; i < 100; i++)
        {
            channel.Writer.TryWrite(new GenerationChunk("x", 1, Logprobs: [new TokenLogprob("x", -1, [(byte)'x'], alternatives)]));
        }

        var first = ModelRuntime.Coalesce(channel.Reader)!;
        var second = ModelRuntime.Coalesce(channel.Reader)!;

        Assert.Equal(ModelRuntime.MaxLogprobTokensPerChunk, first.TokenCount);
        Assert.Equal(ModelRuntime.MaxLogprobTokensPerChunk, first.Logprobs!.Count);
        Assert.Equal(100 - ModelRuntime.MaxLogprobTokensPerChunk, second.Logprobs!.Count);
        Assert.True(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(first).Length < 256 * 1024);
    }

    [Fact]
    public void The_final_chunk_is_never_merged_into_text()
    {
        var channel = Channel.CreateUnbounded<GenerationChunk>();
        var final = GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Completed, null, 1, 2, 1, 2));
        channel.Writer.TryWrite(new GenerationChunk("a", 1));
        channel.Writer.TryWrite(final);

        Assert.Equal(new GenerationChunk("a", 1), ModelRuntime.Coalesce(channel.Reader));
        Assert.Same(final, ModelRuntime.Coalesce(channel.Reader));
    }
}
