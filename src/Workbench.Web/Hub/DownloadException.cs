namespace Workbench.Web.Hub;

/// <summary>A download cannot go on; the message says why and what was done about the files.</summary>
public sealed class DownloadException : Exception
{
    public DownloadException()
        : base("The download failed.")
    {
    }

    public DownloadException(string message)
        : base(message)
    {
    }

    public DownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
