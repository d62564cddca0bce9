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

    [Inject] public required ModelLoadFailures LoadFailures { get; init; }

    [Inject] public required WorkerSupervisor Supervisor { get; init; }

    [Inject] public required Microsoft.Extensions.Options.IOptions<Workbench.Web.Hosting.WorkbenchOptions> Options { get; init; }

    private System.Security.Claims.ClaimsPrincipal? _viewer;

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

    private IReadOnlyList<string> Warnings
    {
        get
        {
            var workers = Workers.Workers;
            var local = Supervisor.Status;
            var localHost = workers.FirstOrDefault(w => local.ProcessId is { } pid && w.Registration.ProcessId == pid)?.Registration.HostName;
            return OverviewWarnings.For(new OverviewFacts(
                [.. workers.Select(w => w.Hardware is { } hw ? w with { Hardware = Security.OwnerDetails.HardwareFor(_viewer, hw) } : w)],
                localHost,
                DataFolderDisk(),
                local.State == WorkerProcessState.Disabled ? null : local,
                Index.Models.Count(m => m.Error is not null),
                [.. Index.Models.Select(m => (m.Name, Crash: Crashes.For(m.PrimaryPath))).Where(x => x.Crash is not null).Select(x => (x.Name, x.Crash!.Count, x.Crash.LastReason))],
                [.. Index.Models.Select(m => (m.Name, Failure: LoadFailures.For(m.PrimaryPath))).Where(x => x.Failure is not null).Select(x => (x.Name, x.Failure!.Explained))]));
        }
    }

    // The dashboard's own data folder: a statfs, cheap enough for a render; a guest sees its folder name only.
    private Workbench.Core.Hardware.DiskInfo? DataFolderDisk()
    {
        try
        {
            var folder = Options.Value.DataDirectory;
            var drive = new DriveInfo(folder);
            var shown = Security.OwnerDetails.AreVisibleTo(_viewer) ? folder : Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
            return new Workbench.Core.Hardware.DiskInfo { Path = shown, MountPoint = drive.RootDirectory.FullName, FreeBytes = drive.AvailableFreeSpace, TotalBytes = drive.TotalSize };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
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
        LoadFailures.Changed += Redraw;
        Supervisor.Changed += Redraw;
        Conversations.Changed += ReloadConversations;
        _viewer = await Auth.CallerState.UserAsync(Authentication);
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
        LoadFailures.Changed -= Redraw;
        Supervisor.Changed -= Redraw;
        Conversations.Changed -= ReloadConversations;
    }
}
