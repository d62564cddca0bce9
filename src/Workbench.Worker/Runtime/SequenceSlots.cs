namespace Workbench.Worker.Runtime;

/// <summary>
/// The llama.cpp sequence ids of one context, kept contiguous from 0. With one KV stream per sequence, llama.cpp
/// decodes a step as one micro-batch only while the ids in it ascend one by one; ids 0 and 2 without 1 cost two
/// micro-batches, decoded one after the other. So a new answer takes the lowest free id, and when an answer ends below
/// the highest id in use, the answer holding that highest id moves down into the gap.
/// </summary>
public sealed class SequenceSlots
{
    private readonly bool[] _used;

    /// <summary>Ids 0 to <paramref name="count"/> − 1, all free.</summary>
    public SequenceSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _used = new bool[count];
    }

    /// <summary>Ids in use.</summary>
    public int InUse => _used.Count(u => u);

    /// <summary>Takes the lowest free id; null when every id is in use.</summary>
    public int? Take()
    {
        var free = Array.IndexOf(_used, false);
        if (free < 0)
        {
            return null;
        }

        _used[free] = true;
        return free;
    }

    /// <summary>
    /// Frees <paramref name="id"/>. When a higher id is still in use, the highest one must move into the gap: the move
    /// is returned (its KV stream is copied to <c>To</c> and <c>From</c> freed), and <c>From</c> is now the free id.
    /// </summary>
    public (int From, int To)? Release(int id)
    {
        if (id < 0 || id >= _used.Length || !_used[id])
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "This sequence id is not in use.");
        }

        var highest = Array.LastIndexOf(_used, true);
        if (highest == id)
        {
            _used[id] = false;
            return null;
        }

        _used[highest] = false;
        return (highest, id);
    }
}
