using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Workbench.Core.Library;
using Workbench.Web.Chat;
using Workbench.Web.Library;

namespace Workbench.Web.Components.Pages;

/// <summary>
/// Chat with the loaded model; the conversation lives in <see cref="ChatSession"/> and its id in the
/// address (<c>/chat/{id}</c>), so a reload or a bookmark brings it back.
/// </summary>
public sealed partial class Chat : IDisposable
{
    private string? _draft;

    private static int MaxDraftLength => ChatSession.MaxMessageLength;

    /// <summary>The character counter appears only as the draft nears the limit.</summary>
    private int? DraftCounter => _draft?.Length > MaxDraftLength * 3 / 4 ? MaxDraftLength : null;

    private bool DraftAtLimit => _draft?.Length >= ChatSession.MaxMessageLength;

    private static string DraftLimitText =>
        $"Messages are limited to {ChatSession.MaxMessageLength:N0} characters; text beyond that was not taken. Send a longer text in parts.";
    private bool _parametersSeen;
    private Guid? _shownId;

    [Inject] public required ChatSession Session { get; init; }

    [Inject] public required LibraryIndex Library { get; init; }

    [Inject] public required DemoModelProvisioner DemoModel { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The saved conversation to show; none for a new one.</summary>
    [Parameter] public Guid? Id { get; set; }

    /// <summary>Library id of the model to chat with (from the Models page).</summary>
    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelId { get; set; }

    // Only models llama.cpp can run, and only from the library, so a path never comes from the browser.
    private IReadOnlyList<string> ModelPaths =>
        [.. Library.Models.Where(m => m.Format == ModelFormat.Gguf && m.Error is null).Select(m => m.PrimaryPath)];

    [Inject] public required Workbench.Web.Estimation.LibraryFit Fit { get; init; }

    [Inject] public required Workbench.Web.Estimation.KvCacheMeter KvCache { get; init; }

    [Inject] public required Workbench.Web.Workers.WorkerRegistry Workers { get; init; }

    /// <summary>Contexts to offer for the chosen model, up to what it was trained for.</summary>
    private IReadOnlyList<int> ContextChoices =>
        Workbench.Web.Estimation.LoadPlanner.ContextChoices(Session.ModelPath is { } path ? Library.FindByPath(path)?.Architecture.MaxContextLength : null);

    [Inject] public required Workbench.Web.Estimation.LoadPlanner Planner { get; init; }

    /// <summary>
    /// The verdict beside the load controls and the most GPU layers they offer (null on a worker without a GPU); null
    /// when there is no model or the user may not load one.
    /// </summary>
    private (LoadControlsVerdict Verdict, int? MaxGpuLayers)? LoadControls
    {
        get
        {
            if (Session.ModelPath is not { } path || !Session.CanLoadModels)
            {
                return null;
            }

            var preview = Planner.Preview(path, Session.ContextSize, Session.Settings.Load);
            int? maxLayers = preview.Worker is { } worker && Workbench.Web.Estimation.WorkerMemoryBudget.UsesGpu(worker)
                ? preview.Estimate?.TotalLayers ?? (int?)(Library.FindByPath(path)?.Architecture.LayerCount + 1)
                : null;
            return (LoadControlsVerdict.For(preview), maxLayers);
        }
    }

    private Task SetLoadOverrides(Workbench.Core.Protocol.LoadOverrides overrides) =>
        Session.ApplySettingsAsync(Session.Settings with { Load = overrides.IsNone ? null : overrides });

    /// <summary>The context shown as chosen: what a load would use (the pick or the default, never past the model's maximum).</summary>
    private int ChosenContext => Session.ModelPath is { } path
        ? Planner.ContextFor(path, Session.ContextSize)
        : Session.ContextSize ?? Workbench.Web.Estimation.LoadPlanner.DefaultContext;

    // Saved with the conversation, so reopening it loads the same window.
    private Task SelectContext(int tokens) => Session.ApplySettingsAsync(Session.Settings with { ContextSize = tokens });

    /// <summary>The KV cache after each answer, for the model this conversation runs on (or the loaded one).</summary>
    private IReadOnlyList<Workbench.Core.Conversations.KvCacheTurn> KvTurns
    {
        get
        {
            var path = Session.ModelPath ?? Workers.PickWorker()?.LoadedModel?.ModelPath;
            // The cache the model is loaded with where it is resident, else the one this conversation would load it with.
            var cache = (path is null ? null : Workers.Holding(path).Select(w => w.FindResident(path)?.Load.KvCache).FirstOrDefault())
                ?? Session.Settings.Load?.CacheType ?? Workbench.Core.Estimation.KvCacheType.F16;
            return KvCache.Turns(path, Session.Messages.Where(m => m.Role == "assistant").Select(m => m.Completion), cache);
        }
    }

    /// <summary>Each answer's entry of <paramref name="turns"/>, which are numbered by the answer's place among the answers.</summary>
    private Dictionary<ChatMessage, Workbench.Core.Conversations.KvCacheTurn> KvTurnsByAnswer(IReadOnlyList<Workbench.Core.Conversations.KvCacheTurn> turns)
    {
        var byNumber = turns.ToDictionary(t => t.Turn);
        var byAnswer = new Dictionary<ChatMessage, Workbench.Core.Conversations.KvCacheTurn>(ReferenceEqualityComparer.Instance);
        var number = 0;
        foreach (var answer in Session.Messages.Where(m => m.Role == "assistant"))
        {
            if (byNumber.TryGetValue(++number, out var turn))
            {
                byAnswer[answer] = turn;
            }
        }

        return byAnswer;
    }

    /// <summary>"ready now", or how the model would fit at the chosen context, beside its name in the picker.</summary>
    private string? PickerNote(string path) =>
        Workbench.Web.Chat.ModelPickerNote.For(
            Workers.Holding(path), path, Library.FindByPath(path) is { } model ? Fit.For(model, Fit.Budget(), Session.ContextSize)?.Kind : null);

    /// <summary>Said before loading: the estimator thinks the chosen model will not fit this machine at the context chat loads with.</summary>
    private string? FitWarning =>
        Session.ModelPath is { } path
        && Library.FindByPath(path) is { } model
        && Fit.For(model, Fit.Budget(), Session.ContextSize) is { Kind: Workbench.Core.Estimation.FitKind.DoesNotFit } verdict
            ? $"{model.Name} will probably not load here: {verdict.Message}"
            : null;

    [Inject] public required ModelLoadFailures LoadFailures { get; init; }

    [Inject] public required ChatDefaultsStore ChatDefaults { get; init; }

    /// <summary>The chosen model is resident with a larger window than chosen: said, with why, rather than silently used.</summary>
    private string? LoadedWindow =>
        Session.ModelPath is { } path
        && Workers.Holding(path).Select(w => w.FindResident(path)?.Load.ContextSize ?? 0).DefaultIfEmpty(0).Max() is var loaded and > 0
            ? LoadedWindowNote.For(Path.GetFileName(path), loaded, ChosenContext)
            : null;

    /// <summary>
    /// Said before sending: the chosen file did not load last time. Not said when the last answer already failed, so the
    /// reason appears once (in that answer's alert).
    /// </summary>
    private string? LoadFailureWarning =>
        Session.ModelPath is { } path
        && LoadFailures.For(path) is { } failed
        && (Session.Messages.Count == 0 || Session.Messages[^1].Completion?.Outcome != Workbench.Core.Protocol.GenerationOutcome.Failed)
            ? $"{Path.GetFileName(path)} did not load last time: {failed.Explained}"
            : null;

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        Session.Changed += RenderAsync;
        Library.Changed += RefreshModels;
        // Guests chat with the loaded model; loading one is the owner's call (the household shares one GPU).
        var user = await Auth.CallerState.UserAsync(Authentication);
        Session.CanLoadModels = user.IsInRole(Workbench.Web.Security.AccessRoles.Owner);
        Session.Caller = ConversationCaller.From(user);
        Session.UseDefaults(await ChatDefaults.GetAsync());
    }

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        // Act only when the address changed: a re-render of the layout must not reset the conversation.
        if (!_parametersSeen || Id != _shownId)
        {
            _parametersSeen = true;
            _shownId = Id;
            if (Id is { } id && id != Session.ConversationId && !await Session.OpenAsync(id))
            {
                // Gone (deleted elsewhere): the session shows a new conversation, which gets its own address once saved.
                _shownId = null;
            }
            else if (Id is null && Session.ConversationId is not null)
            {
                Session.StartNew();
            }
        }

        PickModel();
    }

    private void PickModel()
    {
        if (ModelId is not null && Library.Find(ModelId) is { Format: ModelFormat.Gguf, Error: null } chosen)
        {
            Session.ModelPath = chosen.PrimaryPath;
            return;
        }

        var paths = ModelPaths;
        Session.ModelPath ??= paths.Contains(DemoModel.DemoModelPath) ? DemoModel.DemoModelPath : (paths.Count > 0 ? paths[0] : null);
    }

    private void RefreshModels() => _ = InvokeAsync(() =>
    {
        PickModel();
        StateHasChanged();
    });

    private Task RenderAsync() => InvokeAsync(() =>
    {
        // The first message just saved a new conversation: give it its address without a new history entry.
        if (_shownId is null && Session.ConversationId is { } id)
        {
            _shownId = id;
            Navigation.NavigateTo($"/chat/{id}", replace: true);
        }

        StateHasChanged();
    });

    private Task SelectModelAsync(string path) => Session.ApplySettingsAsync(Session.Settings with { ModelPath = path });

    private static string FileName(string? path) => path is null ? string.Empty : Path.GetFileName(path);

    private async Task SendAsync()
    {
        var text = _draft;
        _draft = string.Empty;
        await Session.SendAsync(text ?? string.Empty);
    }

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        // Enter sends, Shift+Enter starts a new line.
        if (e.Key == "Enter" && !e.ShiftKey && !Session.IsGenerating)
        {
            await SendAsync();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Session.Changed -= RenderAsync;
        Library.Changed -= RefreshModels;
    }
}
