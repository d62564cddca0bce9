using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Components.Settings;

/// <summary>Creates and revokes API keys (the secret is shown once) and shows copy-paste examples for this host.</summary>
public sealed partial class ApiKeysPanel
{
    private const string KeyPlaceholder = "<your key>";

    [Inject] public required ApiKeyStore KeyStore { get; init; }

    [Inject] public required CompatModelResolver Models { get; init; }

    [Inject] public required IOptions<ApiOptions> ApiOptions { get; init; }

    [Inject] public required IOptions<Workbench.Web.Security.AccessOptions> Access { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IJSRuntime Js { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    private ApiOptions Options => ApiOptions.Value;

    private IReadOnlyList<ApiKey> Keys { get; set; } = [];

    private string NewKeyName { get; set; } = string.Empty;

    private CreatedApiKey? Created { get; set; }

    private string? Error { get; set; }

    private string Root => new Uri(Navigation.BaseUri).GetLeftPart(UriPartial.Authority);

    private IReadOnlyList<ApiSnippet> Snippets => ApiSnippet.For(
        new Uri(Navigation.BaseUri),
        Models.LoadedName ?? (Models.Models is [var first, ..] ? first.Name : "model-name"),
        Created?.Secret ?? KeyPlaceholder);

    /// <inheritdoc />
    protected override async Task OnInitializedAsync() => Keys = await KeyStore.ListAsync();

    private async Task CreateAsync()
    {
        try
        {
            // Checked here too, not only by the page's role: a circuit's events reach the handler whatever is shown.
            Security.OwnerOnly.Demand(await Auth.CallerState.UserAsync(Authentication), "create API keys");
            Created = await KeyStore.CreateAsync(NewKeyName);
            NewKeyName = string.Empty;
            Error = null;
            Keys = await KeyStore.ListAsync();
        }
        catch (Exception ex) when (ex is ArgumentException or UnauthorizedAccessException)
        {
            Error = ex.Message;
        }
    }

    private async Task RevokeAsync(ApiKey key)
    {
        if (!Security.OwnerOnly.Allows(await Auth.CallerState.UserAsync(Authentication)))
        {
            Error = new Security.OwnerOnlyException("revoke API keys").Message;
            return;
        }

        await KeyStore.RevokeAsync(key.Id);
        if (Created?.Key.Id == key.Id)
        {
            Created = null;
        }

        Keys = await KeyStore.ListAsync();
    }

    private async Task CopyAsync(string text)
    {
        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", text);
        }
        catch (JSException)
        {
            // Clipboard access needs HTTPS or localhost; the text stays on screen to copy by hand.
        }
    }
}
