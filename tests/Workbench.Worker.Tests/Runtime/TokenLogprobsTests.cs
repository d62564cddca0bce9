using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class TokenLogprobsTests
{
    [Fact]
    public void The_chosen_tokens_logprob_is_its_log_softmax()
    {
        float[] logits = [1f, 2f, 3f];

        var (chosen, _) = TokenLogprobs.Compute(logits, chosen: 0, count: 0);

        var expected = Math.Log(Math.Exp(1) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        Assert.Equal(expected, chosen, precision: 6);
    }

    [Fact]
    public void The_most_likely_come_first_with_the_lower_id_first_among_equals()
    {
        float[] logits = [0.5f, 4f, -1f, 4f, 2f, 3f];

        var (_, top) = TokenLogprobs.Compute(logits, chosen: 2, count: 4);

        Assert.Equal([1, 3, 5, 4], top.Select(t => t.Token));
        Assert.All(top, t => Assert.True(t.Logprob < 0));
        Assert.Equal(top[0].Logprob, top[1].Logprob);
    }

    [Fact]
    public void Asking_for_more_alternatives_than_the_vocabulary_lists_each_token_once_and_they_sum_to_one()
    {
        float[] logits = [0f, 1f, 2f];

        var (_, top) = TokenLogprobs.Compute(logits, chosen: 1, count: 20);

        Assert.Equal([2, 1, 0], top.Select(t => t.Token));
        Assert.Equal(1.0, top.Sum(t => Math.Exp(t.Logprob)), precision: 6);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        float[] logits = [1000f, 1000f];

        var (chosen, _) = TokenLogprobs.Compute(logits, chosen: 1, count: 0);

        Assert.Equal(Math.Log(0.5), chosen, precision: 6);
    }
}
