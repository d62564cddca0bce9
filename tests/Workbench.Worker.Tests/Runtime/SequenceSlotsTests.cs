using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class SequenceSlotsTests
{
    [Fact]
    public void New_answers_take_the_lowest_free_id_until_none_is_left()
    {
        var slots = new SequenceSlots(3);

        Assert.Equal(0, slots.Take());
        Assert.Equal(1, slots.Take());
        Assert.Equal(2, slots.Take());
        Assert.Null(slots.Take());
        Assert.Equal(3, slots.InUse);
    }

    [Fact]
    public void Ending_the_highest_id_moves_nothing()
    {
        var slots = new SequenceSlots(4);
        slots.Take();
        slots.Take();

        Assert.Null(slots.Release(1));
        Assert.Equal(1, slots.Take());
    }

    [Fact]
    public void Ending_an_id_below_the_highest_moves_the_highest_into_the_gap()
    {
        var slots = new SequenceSlots(4);
        for (var i = 0; i < 4; i++)
        {
            slots.Take();
        }

        Assert.Equal((3, 1), slots.Release(1));
        Assert.Equal((2, 0), slots.Release(0));
        // Ids 0 and 1 are in use, still contiguous; the next answer takes 2.
        Assert.Equal(2, slots.InUse);
        Assert.Equal(2, slots.Take());
    }

    [Fact]
    public void Freeing_an_id_not_in_use_is_refused()
    {
        var slots = new SequenceSlots(2);
        slots.Take();

        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Release(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Release(5));
    }
}
