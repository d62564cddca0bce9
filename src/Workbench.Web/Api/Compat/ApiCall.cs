namespace Workbench.Web.Api.Compat;

/// <summary>Who asked what, for the request log.</summary>
/// <param name="Api">"OpenAI" or "Ollama".</param>
/// <param name="Endpoint">The path called.</param>
/// <param name="Client">The caller's program.</param>
/// <param name="Model">The model named, if any.</param>
/// <param name="ArrivedAt">When the request arrived.</param>
public sealed record ApiCall(string Api, string Endpoint, string Client, string? Model, DateTimeOffset ArrivedAt)
{
    /// <summary>The call behind <paramref name="http"/>.</summary>
    public static ApiCall From(HttpContext http, string api, TimeProvider time) =>
        new(api, http.Request.Path.Value ?? string.Empty, ApiClientName.From(http), null, time.GetUtcNow());
}
