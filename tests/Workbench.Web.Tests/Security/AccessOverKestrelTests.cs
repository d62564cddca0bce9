using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Protocol;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// Sign-in, roles, hub and host checks over real Kestrel with the real worker. Loopback access without
/// sign-in is switched off, so these requests are treated exactly like requests from the LAN.
/// </summary>
public sealed partial class AccessOverKestrelTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new(
        "access",
        ("Workbench:Access:AllowLoopbackWithoutSignIn", "false"),
        ("Workbench:Access:SignInAttemptsPerMinute", "5"));

    private AccessTokenStore Tokens => _server.Services.GetRequiredService<AccessTokenStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_page_request_without_sign_in_is_sent_to_the_sign_in_page_and_an_api_request_gets_401()
    {
        using var browser = Browser();

        var page = await browser.GetAsync("/models");
        var api = await browser.GetAsync("/workbench/v1/models");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin?ReturnUrl=%2Fmodels", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_gets_401_and_after_the_limit_further_attempts_get_429()
    {
        using var browser = Browser();

        var wrong = await PostSignInAsync(browser, "not-the-token", "/");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not right", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await browser.GetAsync("/signin/link?token=guess" + i)).StatusCode);
        }

        // Five attempts a minute in all (the form post was the first); then the door stays shut even for the right token.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.GetAsync("/signin/link?token=" + Tokens.Rotate(AccessRoles.Owner))).StatusCode);
    }

    [Fact]
    public async Task The_owner_signs_in_with_the_form_opens_every_page_and_signs_out()
    {
        using var browser = Browser();
        var token = Tokens.Rotate(AccessRoles.Owner);

        var signIn = await PostSignInAsync(browser, token, "//evil.example/phish");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostAsync("/workbench/v1/library/rescan", null)).StatusCode);

        await browser.PostAsync("/signout", null);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task A_guest_chats_and_views_but_may_not_change_settings_or_rescan()
    {
        using var browser = Browser();

        var signIn = await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(Tokens.Rotate(AccessRoles.Guest)));

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/chat")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/workbench/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/workbench/v1/library/rescan", null)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_guest_token_no_longer_signs_in()
    {
        using var browser = Browser();
        var token = Tokens.Create(AccessRoles.Guest, "kitchen tablet");

        Tokens.Delete(token.Token.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(token.Secret))).StatusCode);
    }

    [Fact]
    public async Task The_circuit_hub_refuses_a_foreign_origin_even_with_a_signed_in_cookie()
    {
        using var browser = await SignedInBrowserAsync();

        var foreign = await NegotiateAsync(browser, "http://evil.example");
        var own = await NegotiateAsync(browser, _server.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_request_for_an_unknown_host_name_is_refused()
    {
        using var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Host = "attacker.example";

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("a-wrong-secret-of-enough-length")]
    public async Task A_worker_without_the_secret_is_refused(string? secret)
    {
        await using var impostor = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.BaseAddress, WorkerHubMethods.Path), http =>
            {
                if (secret is not null)
                {
                    http.Headers[WorkerHubMethods.SecretHeader] = secret;
                }
            })
            .Build();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => impostor.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The real worker, started with the secret, is connected all the same.
        await RealWorkerServer.WaitUntilAsync(() => _server.Services.GetRequiredService<WorkerRegistry>().PickWorker() is not null, "the real worker");
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var browser = Browser();

        var response = await browser.GetAsync("/signin");

        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("/workbench/v1/models/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/workbench/v1/models/%2Fetc%2Fpasswd")]
    [InlineData("/workbench/v1/models/..%5C..%5Cwindows%5Cwin.ini/estimate")]
    public async Task Traversal_in_a_model_id_finds_nothing(string path)
    {
        using var browser = await SignedInBrowserAsync();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient Browser() => _server.CreateBrowserLikeClient();

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var browser = Browser();
        var response = await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(Tokens.Rotate(AccessRoles.Owner)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string token, string returnUrl)
    {
        var form = await browser.GetStringAsync("/signin");
        var antiforgery = AntiforgeryField().Match(form).Groups["value"].Value;
        return await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
            ["token"] = token,
            ["returnUrl"] = returnUrl,
        }));
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient browser, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return await browser.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
