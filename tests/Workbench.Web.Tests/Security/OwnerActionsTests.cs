using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;
using Workbench.Web.Library;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// Owner actions are refused to guests by the services the pages call, not only by hidden buttons; and a
/// guest reaches only their own conversations, over the export API too. Real Kestrel and real SQLite.
/// </summary>
public sealed class OwnerActionsTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new(
        "owner-actions",
        ("Workbench:Access:AllowLoopbackWithoutSignIn", "false"),
        ("Workbench:Access:SignInAttemptsPerMinute", "100"),
        ("Workbench:Supervisor:StartLocalWorker", "false"),
        ("Workbench:GenerateDemoModel", "false"));

    private AccessTokenStore Tokens => _server.Services.GetRequiredService<AccessTokenStore>();

    private ConversationStore Conversations => _server.Services.GetRequiredService<ConversationStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_guest_cannot_unload_a_model_through_the_gateway_the_overview_calls()
    {
        var guest = SignedIn(AccessRoles.Guest);

        var refused = await Assert.ThrowsAsync<OwnerOnlyException>(() =>
            _server.Services.GetRequiredService<WorkerGateway>().UnloadModelAsync(guest, "any-worker", CancellationToken.None));

        Assert.Contains("Only the owner may unload a model", refused.Message, StringComparison.Ordinal);
        Assert.False(await _server.Services.GetRequiredService<WorkerGateway>().UnloadModelAsync(SignedIn(AccessRoles.Owner), "no-such-worker", CancellationToken.None));
    }

    [Fact]
    public void A_guest_cannot_start_a_rescan_through_the_scanner_the_models_page_calls()
    {
        var scanner = _server.Services.GetRequiredService<LibraryScanService>();

        Assert.Throws<OwnerOnlyException>(() => scanner.RequestRescan(SignedIn(AccessRoles.Guest)));
        Assert.Throws<OwnerOnlyException>(() => scanner.RequestRescan(new ClaimsPrincipal(new ClaimsIdentity())));
        scanner.RequestRescan(SignedIn(AccessRoles.Owner));
    }

    [Fact]
    public async Task A_guest_exports_only_their_own_conversations_and_the_owner_exports_every_one()
    {
        var guestToken = Tokens.Create(AccessRoles.Guest, "guest");
        var ownersChat = await Conversations.CreateAsync(ConversationCaller.LocalOwner, "Owner's plans", ConversationSettings.Default);
        var guestsChat = await Conversations.CreateAsync(new ConversationCaller(guestToken.Token.Id, false), "Guest's recipe", ConversationSettings.Default);
        using var guest = await BrowserSignedInAsync(guestToken.Secret);
        using var owner = await BrowserSignedInAsync(Tokens.Rotate(AccessRoles.Owner));

        Assert.Equal(HttpStatusCode.NotFound, (await guest.GetAsync(ExportUri(ownersChat.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guest.GetAsync(ExportUri(guestsChat.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(ExportUri(ownersChat.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(ExportUri(guestsChat.Id))).StatusCode);
    }

    private ClaimsPrincipal SignedIn(string role) => AccessSession.Principal(Tokens.SignIn(Tokens.Create(role, role).Secret)!, AccessSchemes.Cookie);

    private static string ExportUri(Guid id) => $"/workbench/v1/conversations/{id}/export?format=json";

    private async Task<HttpClient> BrowserSignedInAsync(string token)
    {
        var browser = _server.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(token))).StatusCode);
        return browser;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
