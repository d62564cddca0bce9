using Microsoft.AspNetCore.Components;
using Workbench.Web.Library;
using Workbench.Web.Security;
using Workbench.Web.Workers;

namespace Workbench.Web.Components.Settings;

/// <summary>The fleet on the Settings page: name and retire machines, pin models, and how to add a machine.</summary>
public sealed partial class WorkersPanel : IDisposable
{
    private IReadOnlyList<Uri> _hubUrls = [];
    private Uri? _hubUrl;
    private bool _showSecret;
    private string? _pinModel;
    private string? _pinWorker;
    private string? _error;

    [Inject] public required WorkerRegistry Registry { get; init; }

    [Inject] public required FleetChoices Choices { get; init; }

    [Inject] public required FleetAdministration Fleet { get; init; }

    [Inject] public required LibraryIndex Library { get; init; }

    [Inject] public required WorkerSecret WorkerSecret { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    private IEnumerable<WorkerRow> Rows => Registry.Workers
        .Select(w => new WorkerRow(w, Choices.DisplayName(w.Registration.HostName), Fleet.IsLocal(w), Choices.Pins.Count(p => p.Value == w.Registration.HostName)))
        .OrderByDescending(r => r.Local)
        .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase);

    private Uri HubUrl => _hubUrl ?? _hubUrls[0];

    private string? Secret => _showSecret ? WorkerSecret.Value : null;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _hubUrls = JoinInstructions.HubUrls(new Uri(Navigation.BaseUri), SignInLinks.MachineAddresses());
        _hubUrl = _hubUrls[0];
        Registry.Changed += OnChanged;
        Choices.Changed += OnChanged;
    }

    private Task RenameAsync(ConnectedWorker worker, string? name) =>
        AsOwnerAsync("name machines", async () =>
        {
            if (name?.Trim().Length > 64)
            {
                _error = "A name can have at most 64 characters.";
                return;
            }

            await Fleet.NameAsync(worker.ConnectionId, name, CancellationToken.None);
        });

    private Task RetireAsync(ConnectedWorker worker) =>
        AsOwnerAsync("retire machines", async () =>
        {
            if (await Fleet.RetireAsync(worker.ConnectionId, CancellationToken.None) == FleetActionOutcome.LocalWorker)
            {
                _error = "The local worker runs inside this dashboard and cannot be retired.";
            }
        });

    private Task RestoreAsync(string hostName) =>
        AsOwnerAsync("let retired machines join", () => Fleet.RestoreAsync(hostName, CancellationToken.None));

    private Task PinAsync() =>
        AsOwnerAsync("pin models", async () =>
        {
            if (_pinModel is { } model && _pinWorker is { } worker
                && await Fleet.PinAsync(model, worker, CancellationToken.None) != FleetActionOutcome.Done)
            {
                _error = $"{worker} is not connected any more.";
            }
        });

    private Task UnpinAsync(string modelPath) =>
        AsOwnerAsync("unpin models", () => Fleet.UnpinAsync(modelPath, CancellationToken.None));

    // Checked in the handler too, not only by the page's role: a circuit's events reach handlers whatever is shown.
    private async Task AsOwnerAsync(string action, Func<Task> act)
    {
        if (!OwnerOnly.Allows(await Auth.CallerState.UserAsync(Authentication)))
        {
            _error = new OwnerOnlyException(action).Message;
            return;
        }

        _error = null;
        await act();
    }

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose()
    {
        Registry.Changed -= OnChanged;
        Choices.Changed -= OnChanged;
    }

    private sealed record WorkerRow(ConnectedWorker Worker, string Name, bool Local, int Pinned);
}
