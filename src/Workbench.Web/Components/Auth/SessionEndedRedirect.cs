using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Workbench.Web.Components.Auth;

/// <summary>
/// When an open page's session ends (its token was deleted or replaced), sends the browser to the sign-in
/// page with a full page load, which closes the circuit. Renders nothing.
/// </summary>
public sealed class SessionEndedRedirect : ComponentBase, IDisposable
{
    [Inject] public required AuthenticationStateProvider Authentication { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized() => Authentication.AuthenticationStateChanged += OnChanged;

    private void OnChanged(Task<AuthenticationState> state) => _ = InvokeAsync(async () =>
    {
        if ((await state).User.Identity?.IsAuthenticated != true)
        {
            Navigation.NavigateTo("/signin", forceLoad: true);
        }
    });

    /// <inheritdoc />
    public void Dispose() => Authentication.AuthenticationStateChanged -= OnChanged;
}
