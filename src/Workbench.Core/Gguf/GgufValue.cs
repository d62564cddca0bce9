using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Workbench.Core.Gguf;

/// <summary>
/// An immutable, typed GGUF metadata value: a scalar, a string, or an array whose elements all have
/// <see cref="ElementType"/> (an array of arrays holds <see cref="GgufValue"/> elements, each an array).
/// </summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private const int ElementsShownByToString = 8;

    // Boxed scalar, string, or a T[] owned by this instance (GgufValue[] for arrays of arrays).
    private readonly object _value;
    private object? _readOnlyView;

    private GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        _value = value;
    }

    public GgufValueType Type { get; }

    /// <summary>Type of the elements when <see cref="Type"/> is <see cref="GgufValueType.Array"/>; otherwise null.</summary>
    public GgufValueType? ElementType { get; }

    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>Number of elements of an array value.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public int ArrayLength => IsArray ? ((Array)_value).Length : throw NotAnArray();

    public static GgufValue FromUInt8(byte value) => new(GgufValueType.UInt8, null, value);

    public static GgufValue FromInt8(sbyte value) => new(GgufValueType.Int8, null, value);

    public static GgufValue FromUInt16(ushort value) => new(GgufValueType.UInt16, null, value);

    public static GgufValue FromInt16(short value) => new(GgufValueType.Int16, null, value);

    public static GgufValue FromUInt32(uint value) => new(GgufValueType.UInt32, null, value);

    public static GgufValue FromInt32(int value) => new(GgufValueType.Int32, null, value);

    public static GgufValue FromFloat32(float value) => new(GgufValueType.Float32, null, value);

    public static GgufValue FromBool(bool value) => new(GgufValueType.Bool, null, value);

    public static GgufValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(GgufValueType.String, null, value);
    }

    public static GgufValue FromUInt64(ulong value) => new(GgufValueType.UInt64, null, value);

    public static GgufValue FromInt64(long value) => new(GgufValueType.Int64, null, value);

    public static GgufValue FromFloat64(double value) => new(GgufValueType.Float64, null, value);

    public static GgufValue FromArray(ReadOnlySpan<byte> values) => Wrap(GgufValueType.UInt8, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<sbyte> values) => Wrap(GgufValueType.Int8, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<ushort> values) => Wrap(GgufValueType.UInt16, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<short> values) => Wrap(GgufValueType.Int16, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<uint> values) => Wrap(GgufValueType.UInt32, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<int> values) => Wrap(GgufValueType.Int32, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<float> values) => Wrap(GgufValueType.Float32, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<bool> values) => Wrap(GgufValueType.Bool, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<ulong> values) => Wrap(GgufValueType.UInt64, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<long> values) => Wrap(GgufValueType.Int64, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<double> values) => Wrap(GgufValueType.Float64, values.ToArray());

    public static GgufValue FromArray(ReadOnlySpan<string> values)
    {
        foreach (var s in values)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(values));
        }

        return Wrap(GgufValueType.String, values.ToArray());
    }

    /// <summary>An array of arrays; every element must itself be an array value.</summary>
    public static GgufValue FromArray(ReadOnlySpan<GgufValue> arrays)
    {
        foreach (var a in arrays)
        {
            ArgumentNullException.ThrowIfNull(a, nameof(arrays));
            if (!a.IsArray)
            {
                throw new ArgumentException($"An array of arrays can only hold arrays, not a {a.Type} value.", nameof(arrays));
            }
        }

        return Wrap(GgufValueType.Array, arrays.ToArray());
    }

    /// <summary>The boxed scalar, string or owned array (for the writer).</summary>
    internal object RawValue => _value;

    /// <summary>Takes ownership of <paramref name="values"/> without copying (used by the reader).</summary>
    internal static GgufValue Wrap(GgufValueType elementType, Array values) => new(GgufValueType.Array, elementType, values);

    /// <summary>The scalar value as exactly <typeparamref name="T"/> (byte for UInt8, float for Float32, string for String …).</summary>
    /// <exception cref="InvalidOperationException">The value is an array or of another type.</exception>
    public T Get<T>()
        where T : notnull =>
        !IsArray && _value is T typed
            ? typed
            : throw new InvalidOperationException($"The value is {Describe()}, not {typeof(T).Name}.");

    /// <summary>The elements of an array value as exactly <typeparamref name="T"/> (GgufValue for arrays of arrays).</summary>
    /// <exception cref="InvalidOperationException">The value is not an array of <typeparamref name="T"/>.</exception>
    public IReadOnlyList<T> GetArray<T>() =>
        TryGetArray<T>(out var values)
            ? values
            : throw new InvalidOperationException($"The value is {Describe()}, not an array of {typeof(T).Name}.");

    public bool TryGetArray<T>([NotNullWhen(true)] out IReadOnlyList<T>? values)
    {
        // Exact type check: the runtime lets int[] pass as uint[] (and byte[] as sbyte[]).
        if (IsArray && _value.GetType() == typeof(T[]))
        {
            var array = (T[])_value;
            values = (IReadOnlyList<T>)(_readOnlyView ??= Array.AsReadOnly(array));
            return true;
        }

        values = null;
        return false;
    }

    /// <summary>Any integer scalar whose value fits in a long.</summary>
    public bool TryGetInt64(out long value)
    {
        switch (_value)
        {
            case ulong u when !IsArray:
                value = u <= long.MaxValue ? (long)u : 0;
                return u <= long.MaxValue;
            case byte or sbyte or ushort or short or uint or int or long when !IsArray:
                value = Convert.ToInt64(_value, CultureInfo.InvariantCulture);
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Any integer scalar whose value is not negative.</summary>
    public bool TryGetUInt64(out ulong value)
    {
        if (_value is ulong u && !IsArray)
        {
            value = u;
            return true;
        }

        if (TryGetInt64(out var signed) && signed >= 0)
        {
            value = (ulong)signed;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Any numeric scalar (integer or floating point) as a double.</summary>
    public bool TryGetDouble(out double value)
    {
        switch (_value)
        {
            case float f when !IsArray:
                value = f;
                return true;
            case double d when !IsArray:
                value = d;
                return true;
            case ulong u when !IsArray:
                value = u;
                return true;
            default:
                var ok = TryGetInt64(out var l);
                value = l;
                return ok;
        }
    }

    public bool TryGetString([NotNullWhen(true)] out string? value)
    {
        value = _value as string;
        return value is not null && !IsArray;
    }

    public bool TryGetBool(out bool value)
    {
        if (_value is bool b && !IsArray)
        {
            value = b;
            return true;
        }

        value = false;
        return false;
    }

    /// <summary>An array of any integer type whose elements all fit in a long, converted to long.</summary>
    public bool TryGetInt64Array([NotNullWhen(true)] out IReadOnlyList<long>? values)
    {
        values = null;
        if (!IsArray)
        {
            return false;
        }

        long[] result;
        switch (ElementType)
        {
            case GgufValueType.Int64:
                result = (long[])((long[])_value).Clone();
                break;
            case GgufValueType.UInt64:
                var ulongs = (ulong[])_value;
                if (ulongs.Any(u => u > long.MaxValue))
                {
                    return false;
                }

                result = Array.ConvertAll(ulongs, u => (long)u);
                break;
            case GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.UInt16
                or GgufValueType.Int16 or GgufValueType.UInt32 or GgufValueType.Int32:
                var source = (Array)_value;
                result = new long[source.Length];
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = Convert.ToInt64(source.GetValue(i), CultureInfo.InvariantCulture);
                }

                break;
            default:
                return false;
        }

        values = result;
        return true;
    }

    public bool Equals(GgufValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || Type != other.Type || ElementType != other.ElementType)
        {
            return false;
        }

        return _value switch
        {
            byte[] a => a.AsSpan().SequenceEqual((byte[])other._value),
            sbyte[] a => a.AsSpan().SequenceEqual((sbyte[])other._value),
            ushort[] a => a.AsSpan().SequenceEqual((ushort[])other._value),
            short[] a => a.AsSpan().SequenceEqual((short[])other._value),
            uint[] a => a.AsSpan().SequenceEqual((uint[])other._value),
            int[] a => a.AsSpan().SequenceEqual((int[])other._value),
            float[] a => a.AsSpan().SequenceEqual((float[])other._value),
            bool[] a => a.AsSpan().SequenceEqual((bool[])other._value),
            string[] a => a.AsSpan().SequenceEqual((string[])other._value),
            ulong[] a => a.AsSpan().SequenceEqual((ulong[])other._value),
            long[] a => a.AsSpan().SequenceEqual((long[])other._value),
            double[] a => a.AsSpan().SequenceEqual((double[])other._value),
            GgufValue[] a => a.AsSpan().SequenceEqual((GgufValue[])other._value),
            _ => _value.Equals(other._value),
        };
    }

    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    public override int GetHashCode() =>
        HashCode.Combine(Type, ElementType, IsArray ? ((Array)_value).Length : _value.GetHashCode());

    /// <summary>The value as text: scalars in invariant culture, arrays as "[a, b, … (n items)]".</summary>
    public override string ToString()
    {
        if (!IsArray)
        {
            return FormatScalar(_value, quoteStrings: false);
        }

        var array = (Array)_value;
        var text = new StringBuilder("[");
        var shown = Math.Min(array.Length, ElementsShownByToString);
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(FormatScalar(array.GetValue(i)!, quoteStrings: true));
        }

        if (array.Length > shown)
        {
            text.Append(CultureInfo.InvariantCulture, $", … ({array.Length} items)");
        }

        return text.Append(']').ToString();
    }

    private static string FormatScalar(object value, bool quoteStrings) => value switch
    {
        string s => quoteStrings ? $"\"{s}\"" : s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private string Describe() => IsArray ? $"an array of {ElementType}" : $"a {Type}";

    private InvalidOperationException NotAnArray() => new($"The value is {Describe()}, not an array.");
}
