using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Workbench.Web.Components.Auth;
using Workbench.Web.Security;

namespace Workbench.Web.Components.Settings;

/// <summary>Lists, creates and deletes sign-in tokens through <see cref="AccessTokenStore"/>, as the JSON API does.</summary>
public sealed partial class AccessPanel
{
    [Inject] public required AccessTokenStore Store { get; init; }

    [Inject] public required IOptions<AccessOptions> Access { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    private IReadOnlyList<AccessToken> Tokens { get; set; } = [];

    private string NewName { get; set; } = string.Empty;

    private string NewRole { get; set; } = AccessRoles.Guest;

    private CreatedAccessToken? Created { get; set; }

    private string? Error { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized() => Tokens = Store.List();

    [Inject] public required SignInLinkSource Links { get; init; }

    /// <summary>A link per address of this machine (a phone may not resolve its name), with its QR code.</summary>
    private IReadOnlyList<(string Link, string QrCode)> SignInLinks(string secret) =>
        [.. Links.For(secret, Navigation.BaseUri).Select(link => (link, SignInQrCode.DataUri(link)))];

    private async Task CreateAsync() => await ActAsync("make sign-in tokens", () =>
    {
        Created = Store.Create(NewRole, NewName);
        NewName = string.Empty;
    });

    private async Task DeleteAsync(AccessToken token) => await ActAsync("delete sign-in tokens", () =>
    {
        Store.Delete(token.Id);
        Created = null;
    });

    private async Task ActAsync(string action, Action change)
    {
        try
        {
            OwnerOnly.Demand(await CallerState.UserAsync(Authentication), action);
            change();
            Error = null;
        }
        catch (Exception refused) when (refused is ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            Error = refused.Message;
        }

        Tokens = Store.List();
    }
}
