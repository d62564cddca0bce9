using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// Sign-in requests an attacker shapes get a page or a redirect, never a 500 or a stack trace. The test host
/// runs in the Development environment, where ASP.NET Core would otherwise show the developer exception page.
/// </summary>
public sealed partial class SignInHardeningTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new(
        "sign-in",
        ("Workbench:Access:AllowLoopbackWithoutSignIn", "false"),
        ("Workbench:Access:SignInAttemptsPerMinute", "100"),
        ("Workbench:Supervisor:StartLocalWorker", "false"),
        ("Workbench:GenerateDemoModel", "false"));

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/%09/evil.example")]
    [InlineData("/chat%0d%0aSet-Cookie:%20x=1")]
    [InlineData("/%0a")]
    public async Task A_return_url_with_a_tab_or_line_break_redirects_home_instead_of_failing(string encodedReturnUrl)
    {
        using var browser = _server.CreateBrowserLikeClient();
        var token = _server.Services.GetRequiredService<AccessTokenStore>().Rotate(AccessRoles.Owner);
        var returnUrl = Uri.UnescapeDataString(encodedReturnUrl);

        var page = await browser.GetAsync("/signin?returnUrl=" + encodedReturnUrl);
        var signIn = await PostSignInAsync(browser, token, returnUrl);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_sign_in_post_without_an_antiforgery_token_gets_the_form_again_without_a_stack_trace()
    {
        using var anonymous = _server.CreateBrowserLikeClient();

        var response = await anonymous.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
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

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
