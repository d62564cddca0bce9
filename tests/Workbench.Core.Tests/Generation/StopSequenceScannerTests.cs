using Workbench.Core.Generation;

namespace Workbench.Core.Tests.Generation;

public sealed class StopSequenceScannerTests
{
    [Fact]
    public void Text_without_stop_sequences_passes_through_unchanged()
    {
        var scanner = new StopSequenceScanner([]);

        Assert.Equal("Hello", scanner.Push("Hello"));
        Assert.False(scanner.Stopped);
    }

    [Fact]
    public void The_answer_is_cut_before_a_stop_sequence_inside_one_piece()
    {
        var scanner = new StopSequenceScanner(["END"]);

        Assert.Equal("one two ", scanner.Push("one two END three"));
        Assert.True(scanner.Stopped);
        Assert.Equal(string.Empty, scanner.Push("more"));
    }

    [Fact]
    public void A_stop_sequence_split_across_pieces_is_found()
    {
        var scanner = new StopSequenceScanner(["</s>"]);

        var emitted = scanner.Push("abc</") + scanner.Push("s>def");

        Assert.Equal("abc", emitted);
        Assert.True(scanner.Stopped);
    }

    [Fact]
    public void Held_back_text_that_did_not_become_a_stop_sequence_is_released()
    {
        var scanner = new StopSequenceScanner(["###"]);

        Assert.Equal("a", scanner.Push("a##"));
        Assert.Equal("##b", scanner.Push("b"));
        Assert.Equal("#", scanner.Push("#") + scanner.Flush());
        Assert.False(scanner.Stopped);
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins()
    {
        var scanner = new StopSequenceScanner(["world", "lo w"]);

        Assert.Equal("hel", scanner.Push("hello world"));
    }
}
