using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Workbench.Core.Formats;

/// <summary>
/// An element type a safetensors header may name ("F16", "BF16", "I32" …) and how many bits one element takes.
/// The names are those of the safetensors format (its Rust <c>Dtype</c> enum), including the sub-byte float types.
/// </summary>
public sealed class SafetensorsDType
{
    private static readonly FrozenDictionary<string, SafetensorsDType> ByName = new SafetensorsDType[]
    {
        new("BOOL", 8, isFloat: false),
        new("U8", 8, isFloat: false),
        new("I8", 8, isFloat: false),
        new("F8_E5M2", 8, isFloat: true),
        new("F8_E4M3", 8, isFloat: true),
        new("F8_E8M0", 8, isFloat: true),
        new("I16", 16, isFloat: false),
        new("U16", 16, isFloat: false),
        new("F16", 16, isFloat: true),
        new("BF16", 16, isFloat: true),
        new("I32", 32, isFloat: false),
        new("U32", 32, isFloat: false),
        new("F32", 32, isFloat: true),
        new("C64", 64, isFloat: true),
        new("F64", 64, isFloat: true),
        new("I64", 64, isFloat: false),
        new("U64", 64, isFloat: false),
        new("F4", 4, isFloat: true),
        new("F6_E2M3", 6, isFloat: true),
        new("F6_E3M2", 6, isFloat: true),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private SafetensorsDType(string name, int bits, bool isFloat)
    {
        Name = name;
        Bits = bits;
        IsFloat = isFloat;
    }

    /// <summary>Every type the reader accepts.</summary>
    public static IReadOnlyCollection<SafetensorsDType> All => ByName.Values;

    /// <summary>The name as written in the header, e.g. "BF16".</summary>
    public string Name { get; }

    /// <summary>Bits per element: 4, 6, 8, 16, 32 or 64.</summary>
    public int Bits { get; }

    /// <summary>True for floating-point types (weights); false for integers and booleans (packed or index data).</summary>
    public bool IsFloat { get; }

    /// <summary>Looks a type up by its exact (case-sensitive) header name.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out SafetensorsDType? type) =>
        ByName.TryGetValue(name ?? throw new ArgumentNullException(nameof(name)), out type);

    public override string ToString() => Name;
}
