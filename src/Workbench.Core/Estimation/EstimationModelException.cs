namespace Workbench.Core.Estimation;

/// <summary>A model lacks what the memory estimate needs (e.g. a GGUF header without a block count).</summary>
public sealed class EstimationModelException : Exception
{
    public EstimationModelException()
    {
    }

    public EstimationModelException(string message)
        : base(message)
    {
    }

    public EstimationModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
