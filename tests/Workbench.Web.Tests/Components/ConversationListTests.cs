using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;
using Workbench.Web.Components.Conversations;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Components;

/// <summary>The conversation list over a real store on SQLite.</summary>
public sealed class ConversationListTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext _context = new();
    private readonly TempDatabase _db = new();
    private readonly ManualTimeProvider _time = new();
    private ConversationStore _store = null!;
    private Conversation _older = null!;
    private Conversation _newer = null!;
    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;

    public async Task InitializeAsync()
    {
        _store = new ConversationStore(_db.Database, _time);
        _older = await _store.CreateAsync(ConversationCaller.LocalOwner, "Bread", ConversationSettings.Default);
        _time.Advance(TimeSpan.FromMinutes(1));
        _newer = await _store.CreateAsync(ConversationCaller.LocalOwner, "Bikes", ConversationSettings.Default);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_store);
        _authorization = _context.AddAuthorization();
        _authorization.SetAuthorized("owner").SetRoles(Workbench.Web.Security.AccessRoles.Owner);
    }

    [Fact]
    public void Conversations_are_listed_newest_first_with_the_current_one_marked_and_export_links()
    {
        var list = Render(current: _older.Id);

        var items = list.FindAll("[data-testid=conversation-item]");
        Assert.Equal(["Bikes", "Bread"], items.Select(i => i.QuerySelector("[data-testid=conversation-link]")!.TextContent.Trim()));
        Assert.Equal(["false", "true"], items.Select(i => i.GetAttribute("data-current")));
        Assert.Equal($"/chat/{_older.Id}", items[1].QuerySelector("[data-testid=conversation-link]")!.GetAttribute("href"));
        Assert.Equal(
            $"/workbench/v1/conversations/{_older.Id}/export?format=markdown",
            items[1].QuerySelector("[data-testid=conversation-export-markdown]")!.GetAttribute("href"));
        Assert.Equal(
            $"/workbench/v1/conversations/{_older.Id}/export?format=json",
            items[1].QuerySelector("[data-testid=conversation-export-json]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Renaming_saves_the_new_title_and_the_list_shows_it()
    {
        var list = Render(current: null);

        list.FindAll("[data-testid=conversation-rename]")[1].Click();
        await TypeTitleAsync(list, "Sourdough notes");
        list.Find("[data-testid=conversation-rename-save]").Click();

        list.WaitForAssertion(() => Assert.Contains("Sourdough notes", list.Find("[data-testid=conversation-list]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("Sourdough notes", (await _store.GetAsync(ConversationCaller.LocalOwner, _older.Id))!.Conversation.Title);
    }

    [Fact]
    public async Task An_empty_title_is_refused_with_the_reason_and_nothing_is_saved()
    {
        var list = Render(current: null);

        list.FindAll("[data-testid=conversation-rename]")[0].Click();
        await TypeTitleAsync(list, "   ");
        list.Find("[data-testid=conversation-rename-save]").Click();

        Assert.Contains("cannot be empty", list.Find("[data-testid=conversation-list]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Bikes", (await _store.GetAsync(ConversationCaller.LocalOwner, _newer.Id))!.Conversation.Title);
    }

    [Fact]
    public async Task Delete_asks_first_and_keep_keeps_the_conversation()
    {
        var list = Render(current: null);

        list.FindAll("[data-testid=conversation-delete]")[0].Click();
        Assert.Contains("Delete “Bikes” and all its messages?", list.Markup, StringComparison.Ordinal);
        list.Find("[data-testid=conversation-delete-cancel]").Click();

        Assert.Equal(2, list.FindAll("[data-testid=conversation-item]").Count);
        Assert.Equal(2, (await _store.ListAsync(ConversationCaller.LocalOwner)).Count);
    }

    [Fact]
    public async Task Deleting_the_current_conversation_removes_it_and_goes_to_a_new_chat()
    {
        var list = Render(current: _newer.Id);

        list.FindAll("[data-testid=conversation-delete]")[0].Click();
        list.Find("[data-testid=conversation-delete-confirm]").Click();

        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=conversation-item]")), Wait);
        Assert.Equal([_older.Id], (await _store.ListAsync(ConversationCaller.LocalOwner)).Select(c => c.Id));
        Assert.EndsWith("/chat", _context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_saved_elsewhere_appears_without_a_reload()
    {
        var list = Render(current: null);

        _time.Advance(TimeSpan.FromMinutes(1));
        await _store.CreateAsync(ConversationCaller.LocalOwner, "From another tab", ConversationSettings.Default);

        list.WaitForAssertion(() => Assert.Equal(3, list.FindAll("[data-testid=conversation-item]").Count), Wait);
        Assert.Contains("From another tab", list.FindAll("[data-testid=conversation-link]")[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_lists_only_their_own_conversations_and_cannot_rename_or_delete_the_owners()
    {
        var guest = new ConversationCaller("guest-token-id", SeesAll: false);
        var own = await _store.CreateAsync(guest, "Guest's own", ConversationSettings.Default);
        _authorization.SetAuthorized("guest").SetRoles(Workbench.Web.Security.AccessRoles.Guest)
            .SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, guest.Id));

        var list = _context.Render<ConversationList>(p => p.Add(c => c.CurrentId, null));

        list.WaitForAssertion(() => Assert.Single(list.FindAll("[data-testid=conversation-item]")), Wait);
        Assert.Contains("Guest's own", list.Find("[data-testid=conversation-list]").TextContent, StringComparison.Ordinal);
        Assert.False(await _store.RenameAsync(guest, _older.Id, "taken over"));
        Assert.False(await _store.DeleteAsync(guest, _older.Id));
        Assert.Null(await _store.GetAsync(guest, _older.Id));
        Assert.Equal("Bread", (await _store.GetAsync(ConversationCaller.LocalOwner, _older.Id))!.Conversation.Title);
        Assert.Equal([own.Id], (await _store.ListAsync(guest)).Select(c => c.Id));
        Assert.Equal(3, (await _store.ListAsync(ConversationCaller.LocalOwner)).Count);
    }

    [Fact]
    public async Task Searching_shows_only_the_conversations_that_mention_the_text_and_says_when_none_does()
    {
        await _store.SaveMessageAsync(_older.Id, new ConversationMessage(0, "user", "How long should sourdough proof?", null, false));
        var list = Render(current: null);

        await SearchAsync(list, "sourdough");
        list.WaitForAssertion(() => Assert.Equal(["Bread"], list.FindAll("[data-testid=conversation-link]").Select(l => l.TextContent.Trim())), Wait);

        await SearchAsync(list, "volcano");
        list.WaitForAssertion(() => Assert.Contains("No conversation mentions “volcano”", list.Find("[data-testid=conversation-empty]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task Enter_saves_a_rename()
    {
        var list = Render(current: null);

        list.FindAll("[data-testid=conversation-rename]")[1].Click();
        await TypeTitleAsync(list, "Rye notes");
        list.Find("input[data-testid=conversation-title-input], [data-testid=conversation-title-input] input").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        list.WaitForAssertion(() => Assert.Empty(list.FindAll("[data-testid=conversation-title-input]")), Wait);
        Assert.Equal("Rye notes", (await _store.GetAsync(ConversationCaller.LocalOwner, _older.Id))!.Conversation.Title);
    }

    private static Task SearchAsync(IRenderedComponent<ConversationList> list, string text)
    {
        var field = list.FindComponents<MudTextField<string>>()
            .Single(f => f.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == "conversation-search");
        return list.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(text));
    }

    private IRenderedComponent<ConversationList> Render(Guid? current)
    {
        var list = _context.Render<ConversationList>(p => p.Add(c => c.CurrentId, current));
        list.WaitForAssertion(() => Assert.Equal(2, list.FindAll("[data-testid=conversation-item]").Count), Wait);
        return list;
    }

    private static Task TypeTitleAsync(IRenderedComponent<ConversationList> list, string title)
    {
        var field = list.FindComponents<MudTextField<string>>()
            .Single(f => f.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == "conversation-title-input");
        return list.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(title));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _db.Dispose();
    }
}
