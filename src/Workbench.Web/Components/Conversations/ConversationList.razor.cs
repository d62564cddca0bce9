using Microsoft.AspNetCore.Components;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;

namespace Workbench.Web.Components.Conversations;

/// <summary>The saved conversations beside the chat; it reloads whenever the store changes (here or in another tab).</summary>
public sealed partial class ConversationList : IDisposable
{
    private IReadOnlyList<Conversation> _conversations = [];
    private Guid? _renaming;
    private string? _titleDraft;
    private string? _renameProblem;
    private Guid? _confirmingDelete;
    private string? _query;

    [Inject] public required ConversationStore Store { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The conversation shown in the chat, highlighted in the list.</summary>
    [Parameter] public Guid? CurrentId { get; set; }

    /// <summary>An answer is streaming into the current conversation, which must not be deleted under it.</summary>
    [Parameter] public bool Busy { get; set; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        Store.Changed += OnStoreChanged;
        _conversations = await Store.ListAsync(await CallerAsync());
    }

    /// <summary>Shows only the conversations whose title or messages contain <paramref name="query"/>.</summary>
    private async Task SearchAsync(string? query)
    {
        _query = query;
        _conversations = await Store.SearchAsync(await CallerAsync(), _query);
    }

    /// <summary>Enter saves the new title, Esc leaves it as it was.</summary>
    private async Task OnTitleKeyDownAsync(Microsoft.AspNetCore.Components.Web.KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            await SaveTitleAsync();
        }
        else if (e.Key == "Escape")
        {
            CancelEdits();
        }
    }

    // Read at each action, so a session that ended meanwhile sees nothing.
    private async Task<ConversationCaller> CallerAsync() => ConversationCaller.From(await Auth.CallerState.UserAsync(Authentication));

    private static string ExportUrl(Guid id, string format) => $"/workbench/v1/conversations/{id}/export?format={format}";

    private void OnStoreChanged() => _ = InvokeAsync(async () =>
    {
        _conversations = await Store.SearchAsync(await CallerAsync(), _query);
        StateHasChanged();
    });

    private void StartRename(Conversation conversation)
    {
        CancelEdits();
        _renaming = conversation.Id;
        _titleDraft = conversation.Title;
    }

    private async Task SaveTitleAsync()
    {
        if (_renaming is not { } id)
        {
            return;
        }

        _renameProblem = ConversationTitle.Problem(_titleDraft);
        if (_renameProblem is null)
        {
            await Store.RenameAsync(await CallerAsync(), id, _titleDraft!);
            CancelEdits();
        }
    }

    private void AskToDelete(Guid id)
    {
        CancelEdits();
        _confirmingDelete = id;
    }

    private async Task DeleteAsync(Guid id)
    {
        CancelEdits();
        await Store.DeleteAsync(await CallerAsync(), id);
        if (id == CurrentId)
        {
            Navigation.NavigateTo("/chat");
        }
    }

    private void CancelEdits()
    {
        _renaming = null;
        _titleDraft = null;
        _renameProblem = null;
        _confirmingDelete = null;
    }

    /// <inheritdoc />
    public void Dispose() => Store.Changed -= OnStoreChanged;
}
