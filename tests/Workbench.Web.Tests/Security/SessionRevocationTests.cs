using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// Deleting or replacing a token ends the sessions it signed in: at the next request for cookies, within the
/// revalidation interval for open circuits. Real Kestrel, loopback trust off, so requests count as from the LAN.
/// </summary>
public sealed class SessionRevocationTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new(
        "sessions",
        ("Workbench:Access:AllowLoopbackWithoutSignIn", "false"),
        ("Workbench:Access:SignInAttemptsPerMinute", "100"),
        ("Workbench:Access:SessionRevalidationInterval", "00:00:01"),
        ("Workbench:Supervisor:StartLocalWorker", "false"),
        ("Workbench:GenerateDemoModel", "false"));

    private AccessTokenStore Tokens => _server.Services.GetRequiredService<AccessTokenStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Revoking_a_guest_token_through_the_api_signs_the_guest_out_at_the_next_request()
    {
        using var owner = await SignedInAsync(Tokens.Rotate(AccessRoles.Owner));
        var created = await owner.PostAsJsonAsync("/workbench/v1/access/tokens", new { role = "guest", name = "kitchen tablet" });
        var guestToken = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var guest = await SignedInAsync(guestToken.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await guest.GetAsync("/chat")).StatusCode);

        var revoked = await owner.DeleteAsync("/workbench/v1/access/tokens/" + guestToken.GetProperty("token").GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var page = await guest.GetAsync("/chat");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guest.GetAsync("/workbench/v1/models")).StatusCode);
    }

    [Fact]
    public async Task Rotating_the_owner_token_refuses_the_old_owner_cookie_on_pages_settings_and_rescan()
    {
        using var oldOwner = await SignedInAsync(Tokens.Rotate(AccessRoles.Owner));
        Assert.Equal(HttpStatusCode.OK, (await oldOwner.GetAsync("/settings")).StatusCode);

        var newToken = Tokens.Rotate(AccessRoles.Owner);

        Assert.Equal(HttpStatusCode.Redirect, (await oldOwner.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await oldOwner.GetAsync("/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldOwner.PostAsync("/workbench/v1/library/rescan", null)).StatusCode);
        using var newOwner = await SignedInAsync(newToken);
        Assert.Equal(HttpStatusCode.Accepted, (await newOwner.PostAsync("/workbench/v1/library/rescan", null)).StatusCode);
    }

    [Fact]
    public async Task An_open_circuit_loses_its_user_within_the_revalidation_interval_once_its_token_is_deleted()
    {
        var created = Tokens.Create(AccessRoles.Guest, "phone");
        var principal = AccessSession.Principal(Tokens.SignIn(created.Secret)!, AccessSchemes.Cookie);
        await using var circuit = _server.Services.CreateAsyncScope();
        var provider = circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        var ended = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => ended.TrySetResult(await state);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(ended.Task.IsCompleted, "the session ended while its token still existed");
        Tokens.Delete(created.Token.Id);
        var state = await ended.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(state.User.Identity?.IsAuthenticated);
        Assert.IsType<AccessRevalidatingStateProvider>(provider);
    }

    [Fact]
    public async Task A_cookie_from_before_sessions_were_bound_to_tokens_is_refused()
    {
        // What sign-in issued before: a persistent cookie with the owner role and nothing else.
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "owner"), new Claim(ClaimTypes.Role, AccessRoles.Owner)], AccessSchemes.Cookie);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true }, AccessSchemes.Cookie);
        var cookie = _server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AccessSchemes.Cookie).TicketDataFormat.Protect(ticket);
        using var browser = _server.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/settings");
        request.Headers.Add("Cookie", $"{AccessSchemes.CookieName}={cookie}");

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_owner_may_use_the_token_api_and_the_last_owner_token_stays()
    {
        using var guest = await SignedInAsync(Tokens.Rotate(AccessRoles.Guest));
        using var owner = await SignedInAsync(Tokens.Rotate(AccessRoles.Owner));

        Assert.Equal(HttpStatusCode.Forbidden, (await guest.GetAsync("/workbench/v1/access/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await guest.PostAsJsonAsync("/workbench/v1/access/tokens", new { role = "owner", name = "me" })).StatusCode);
        var listed = await owner.GetFromJsonAsync<JsonElement>("/workbench/v1/access/tokens");
        Assert.Equal(["guest", "owner"], listed.EnumerateArray().Select(t => t.GetProperty("role").GetString()).Order());
        Assert.DoesNotContain("hash", listed.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var ownerId = listed.EnumerateArray().Single(t => t.GetProperty("role").GetString() == "owner").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await guest.DeleteAsync("/workbench/v1/access/tokens/" + ownerId)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.DeleteAsync("/workbench/v1/access/tokens/" + ownerId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync("/workbench/v1/access/tokens/no-such-token")).StatusCode);
    }

    private async Task<HttpClient> SignedInAsync(string token)
    {
        var browser = _server.CreateBrowserLikeClient();
        var response = await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(token));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
