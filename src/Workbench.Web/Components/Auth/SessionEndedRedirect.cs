using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;

namespace Workbench.Web.Components.Auth;

/// <summary>
/// When an open page's session ends (its token was deleted or replaced), sends the browser to the sign-in
/// page with a full page load, which closes the circuit. A client that ignores the navigation has its
/// circuit ended by the server after <see cref="CircuitGrace"/>: an exception while rendering is fatal to
/// a Blazor Server circuit. Renders nothing.
/// </summary>
public sealed class SessionEndedRedirect : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _ended;

    [Inject] public required AuthenticationStateProvider Authentication { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>How long the browser has to follow the navigation before the server ends the circuit itself.</summary>
    [Parameter] public TimeSpan CircuitGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override void OnInitialized() => Authentication.AuthenticationStateChanged += OnChanged;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (_ended)
        {
            throw new SessionEndedException();
        }
    }

    private void OnChanged(Task<AuthenticationState> state) => _ = InvokeAsync(async () =>
    {
        if ((await state).User.Identity?.IsAuthenticated == true)
        {
            return;
        }

        Navigation.NavigateTo("/signin", forceLoad: true);
        try
        {
            await Task.Delay(CircuitGrace, _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            // The browser left: the circuit closed with the page.
            return;
        }

        _ended = true;
        StateHasChanged();
    });

    /// <inheritdoc />
    public void Dispose()
    {
        Authentication.AuthenticationStateChanged -= OnChanged;
        _disposed.Cancel();
        _disposed.Dispose();
    }
}

/// <summary>Ends a circuit whose session ended and whose browser did not leave.</summary>
public sealed class SessionEndedException() : InvalidOperationException("The session of this page ended (its sign-in token was deleted or replaced); the circuit is closed.");
