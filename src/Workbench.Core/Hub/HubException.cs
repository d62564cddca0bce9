using System.Net;

namespace Workbench.Core.Hub;

/// <summary>The hub could not answer a request, with a message that says what to do about it.</summary>
public sealed class HubException : Exception
{
    public HubException()
        : base("The Hugging Face hub could not be reached.")
    {
    }

    public HubException(string message)
        : base(message)
    {
    }

    public HubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HubException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The hub's status code, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
