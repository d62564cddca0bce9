namespace Workbench.Core.Gguf;

/// <summary>
/// Thrown when a file is not a well-formed GGUF file. The message says what is wrong and where;
/// <see cref="Offset"/> holds the byte offset (from the start of the file) when one is known.
/// </summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException()
        : base("The file is not a well-formed GGUF file.")
    {
    }

    public GgufFormatException(string message)
        : base(message)
    {
    }

    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GgufFormatException(string message, long offset)
        : base($"{message} (at byte {offset})")
    {
        Offset = offset;
    }

    /// <summary>Byte offset from the start of the file where the problem was found, if known.</summary>
    public long? Offset { get; }
}
