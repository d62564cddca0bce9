namespace Workbench.Web.Api.Compat;

/// <summary>Names the program behind a request from its User-Agent, for the request log.</summary>
internal static class ApiClientName
{
    private const int MaxLength = 60;

    /// <summary>The first product token ("OpenAI/2.15.0", "curl/8.5.0", "OllamaSharp/5.5.2"), or "unknown".</summary>
    public static string From(HttpContext http)
    {
        var agent = http.Request.Headers.UserAgent.ToString().Trim();
        if (agent.Length == 0)
        {
            return "unknown";
        }

        var first = agent.Split(' ', 2)[0];
        return first.Length > MaxLength ? first[..MaxLength] : first;
    }
}
