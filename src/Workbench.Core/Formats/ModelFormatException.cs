namespace Workbench.Core.Formats;

/// <summary>
/// Thrown when a model file other than GGUF (a safetensors file, a config.json, a sharding index, an Ollama manifest)
/// is malformed or inconsistent. The message names the file when one is known and says what is wrong.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException()
        : base("The model file is not well-formed.")
    {
    }

    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
