using Microsoft.Extensions.Options;
using Workbench.Core.Hub;
using Workbench.Web.Hosting;
using Workbench.Web.Security;

namespace Workbench.Web.Hub;

/// <summary>
/// Hub clients on the configured endpoint with the token: the configured one, else the one saved on the Settings
/// page (<c>security/huggingface.token</c> in the data folder, readable by the owner only).
/// </summary>
public sealed class HubClientFactory(IHttpClientFactory http, IOptions<HuggingFaceOptions> options, IOptions<WorkbenchOptions> workbench)
{
    /// <summary>Name of the HTTP client (no automatic redirects: the hub client follows them itself).</summary>
    public const string HttpClientName = "huggingface";

    private string TokenPath => Path.Combine(workbench.Value.DataDirectory, "security", "huggingface.token");

    /// <summary>A client for one piece of work.</summary>
    public HubClient Create() => Create(withToken: true);

    /// <summary>A client for <paramref name="caller"/>: the token is the owner's, so a guest's or an API key's reads go without it.</summary>
    public HubClient CreateFor(System.Security.Claims.ClaimsPrincipal caller) => Create(UsesToken(caller));

    /// <summary>Whether reads for <paramref name="caller"/> send the token: a token is set and the caller is the owner.</summary>
    public bool UsesToken(System.Security.Claims.ClaimsPrincipal caller) => OwnerOnly.Allows(caller) && HasToken;

    private HubClient Create(bool withToken) =>
        new(http.CreateClient(HttpClientName), new HubClientOptions { Endpoint = options.Value.EndpointUri, Token = withToken ? Token() : null });

    /// <summary>How far header reads may go.</summary>
    public RemoteHeaderLimits Limits => new()
    {
        InitialBytes = options.Value.InitialHeaderKiB * 1024,
        MaxBytes = options.Value.MaxHeaderMiB * 1024 * 1024,
    };

    /// <summary>Whether a token is set (it is never shown).</summary>
    public bool HasToken => Token() is not null;

    /// <summary>Where the token comes from, for the Settings page.</summary>
    public bool TokenIsConfigured => options.Value.Token is { Length: > 0 };

    /// <summary>Saves (or with null/empty, removes) the token from the Settings page; only the owner may.</summary>
    public void SaveToken(System.Security.Claims.ClaimsPrincipal caller, string? token)
    {
        OwnerOnly.Demand(caller, "set the Hugging Face token");
        if (string.IsNullOrWhiteSpace(token))
        {
            File.Delete(TokenPath);
            return;
        }

        SecretFile.Write(TokenPath, token.Trim());
    }

    private string? Token() =>
        options.Value.Token is { Length: > 0 } configured ? configured : SecretFile.Read(TokenPath) is { Length: > 0 } saved ? saved : null;
}
