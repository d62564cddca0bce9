using System.Diagnostics.CodeAnalysis;

namespace Workbench.Core.Gguf;

/// <summary>Metadata value types, numbered as in the GGUF specification (<c>gguf_metadata_value_type</c>).</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The members name the GGUF specification's wire types (GGUF_METADATA_VALUE_TYPE_UINT8 …).")]
public enum GgufValueType
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}
