using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgufValueTests
{
    [Fact]
    public void An_array_value_is_not_changed_by_changing_the_source_array()
    {
        var source = new[] { 1, 2, 3 };
        var value = GgufValue.FromArray(source);

        source[0] = 99;

        Assert.Equal([1, 2, 3], value.GetArray<int>());
    }

    [Fact]
    public void Asking_for_the_wrong_scalar_type_throws()
    {
        var value = GgufValue.FromUInt32(5);

        Assert.Throws<InvalidOperationException>(() => value.Get<int>());
        Assert.Equal(5u, value.Get<uint>());
    }

    [Fact]
    public void Asking_for_the_wrong_element_type_fails()
    {
        var value = GgufValue.FromArray(new[] { 1, 2 });

        Assert.False(value.TryGetArray<uint>(out _));
        Assert.True(value.TryGetArray<int>(out _));
    }

    [Fact]
    public void An_unsigned_value_above_the_signed_range_is_not_an_int64()
    {
        Assert.False(GgufValue.FromUInt64(ulong.MaxValue).TryGetInt64(out _));
        Assert.True(GgufValue.FromUInt64(ulong.MaxValue).TryGetUInt64(out _));
    }

    [Fact]
    public void A_long_array_prints_its_first_items_and_its_length()
    {
        var value = GgufValue.FromArray(Enumerable.Range(0, 100).Select(i => $"t{i}").ToArray());

        Assert.Equal("[\"t0\", \"t1\", \"t2\", \"t3\", \"t4\", \"t5\", \"t6\", \"t7\", … (100 items)]", value.ToString());
    }

    [Fact]
    public void An_array_of_arrays_only_holds_arrays()
    {
        Assert.Throws<ArgumentException>(() => GgufValue.FromArray([GgufValue.FromUInt8(1)]));
    }
}
