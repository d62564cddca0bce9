using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Workbench.Core.Conversations;
using Workbench.Web.Chat;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Overview;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;

namespace Workbench.Web.Components.Pages;

/// <summary>
/// The first page: each machine's GPU memory, RAM and CPU at a glance, what is loaded and answering, the library
/// with how much of it fits, the latest conversations, warnings and the next things to do. Live: it follows the
/// telemetry store (throttled there), the workers, the library and the conversations.
/// </summary>
public sealed partial class Overview : IDisposable
{
    private const int ConversationCount = 5;
    private IReadOnlyList<Conversation> _conversations = [];
    private IDisposable? _telemetry;

    [Inject] public required TelemetryStore Telemetry { get; init; }

    [Inject] public required WorkerRegistry Workers { get; init; }

    [Inject] public required WorkerActivityLog Activity { get; init; }

    [Inject] public required LibraryIndex Index { get; init; }

    [Inject] public required LibraryFit Fit { get; init; }

    [Inject] public required ModelCrashLedger Crashes { get; init; }

    [Inject] public required ConversationStore Conversations { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    private IReadOnlyList<MachineGlance> Machines =>
        [.. Telemetry.Hosts.Select(host => (host, sample: Telemetry.Latest(host))).Where(x => x.sample is not null).Select(x => MachineGlance.From(x.host, x.sample!))];

    private LibraryGlance Library
    {
        get
        {
            var budget = Fit.Budget();
            return LibraryGlance.From(Index.Models, m => Fit.For(m, budget));
        }
    }

    private IEnumerable<string> Warnings
    {
        get
        {
            var unreadable = Index.Models.Count(m => m.Error is not null);
            if (unreadable > 0)
            {
                yield return $"{unreadable} {(unreadable == 1 ? "file" : "files")} in the library could not be read; the Models page says why.";
            }

            foreach (var model in Index.Models)
            {
                if (Crashes.For(model.PrimaryPath) is { } crashes)
                {
                    yield return $"{model.Name} crashed llama.cpp {crashes.Count} {(crashes.Count == 1 ? "time" : "times")}: {crashes.LastReason}";
                }
            }

            if (Workers.Workers.Count == 0)
            {
                yield return "No worker is connected: chat and the API cannot answer until one is. The local worker may still be starting.";
            }
        }
    }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _telemetry = Telemetry.Subscribe(Redraw);
        Workers.Changed += Redraw;
        Activity.Changed += Redraw;
        Index.Changed += Redraw;
        Crashes.Changed += Redraw;
        Conversations.Changed += ReloadConversations;
        await LoadConversationsAsync();
    }

    private async Task LoadConversationsAsync()
    {
        var caller = ConversationCaller.From(await Auth.CallerState.UserAsync(Authentication));
        _conversations = [.. (await Conversations.ListAsync(caller)).Take(ConversationCount)];
    }

    private void ReloadConversations() => _ = InvokeAsync(async () =>
    {
        await LoadConversationsAsync();
        StateHasChanged();
    });

    private WorkerActivity ActivityOf(string host) => WorkerActivityLog.At(Activity.Since(host, Time.GetUtcNow()), Time.GetUtcNow());

    private string ActivityLabel(string host) => ActivityOf(host) switch
    {
        WorkerActivity.Loading => "loading a model",
        WorkerActivity.Prompt => "reading a prompt",
        WorkerActivity.Generating => "answering",
        _ => "idle",
    };

    private Color ActivityColor(string host) => ActivityOf(host) == WorkerActivity.Idle ? Color.Default : Color.Success;

    private static Color MeterColor(double percent) => percent switch
    {
        >= 95 => Color.Error,
        >= 80 => Color.Warning,
        _ => Color.Primary,
    };

    private string Ago(DateTimeOffset at)
    {
        var ago = Time.GetUtcNow() - at;
        return ago.TotalMinutes < 1 ? "just now"
            : ago.TotalHours < 1 ? $"{(int)ago.TotalMinutes} min ago"
            : ago.TotalDays < 1 ? $"{(int)ago.TotalHours} h ago"
            : at.ToLocalTime().ToString("d MMM", CultureInfo.InvariantCulture);
    }

    private void Redraw() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose()
    {
        _telemetry?.Dispose();
        Workers.Changed -= Redraw;
        Activity.Changed -= Redraw;
        Index.Changed -= Redraw;
        Crashes.Changed -= Redraw;
        Conversations.Changed -= ReloadConversations;
    }
}
