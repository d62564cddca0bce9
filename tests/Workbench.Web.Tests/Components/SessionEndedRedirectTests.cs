using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Components.Auth;

namespace Workbench.Web.Tests.Components;

/// <summary>What an open page does when its session ends.</summary>
public sealed class SessionEndedRedirectTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private BunitAuthorizationContext _authorization = null!;

    public Task InitializeAsync()
    {
        _authorization = _context.AddAuthorization();
        _authorization.SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_ended_session_goes_to_sign_in_and_a_circuit_that_stays_is_ended_by_the_server()
    {
        _context.Render<SessionEndedRedirect>(p => p.Add(c => c.CircuitGrace, TimeSpan.FromMilliseconds(100)));

        _authorization.SetNotAuthorized();

        var fatal = await _context.Renderer.UnhandledException.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<SessionEndedException>(fatal);
        Assert.EndsWith("/signin", _context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_that_stays_valid_keeps_the_page()
    {
        _context.Render<SessionEndedRedirect>(p => p.Add(c => c.CircuitGrace, TimeSpan.FromMilliseconds(100)));

        _authorization.SetAuthorized("guest");
        await Task.Delay(300);

        Assert.False(_context.Renderer.UnhandledException.IsCompleted);
        Assert.Equal("http://localhost/", _context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
