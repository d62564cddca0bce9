using Microsoft.AspNetCore.Components;
using Workbench.Core.Library;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Components.Pages;

/// <summary>The model library: every model found, searchable, with details; the scan runs in the background.</summary>
public sealed partial class Models : IDisposable
{
    private string? _search;
    private string? _format;
    private DetectedBudget? _budget;
    private string? _refusal;

    [Inject] public required LibraryIndex Index { get; init; }

    [Inject] public required LibraryScanService Scanner { get; init; }

    [Inject] public required LibraryFit Fit { get; init; }

    [Inject] public required WorkerRegistry Workers { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    [Inject] public required ModelCrashLedger Crashes { get; init; }

    [Inject] public required ModelLoadFailures LoadFailures { get; init; }

    private string FitTitle => _budget switch
    {
        null => "Fits?",
        { Gpus.Count: 0 } => $"Fits? (CPU, {LibraryFit.DefaultContext} ctx)",
        { } b => $"Fits {b.Gpus[0].Name.Split(' ')[0]}? ({LibraryFit.DefaultContext} ctx)",
    };

    private IEnumerable<ModelDescriptor> FilteredModels =>
        _format is null ? Index.Models : Index.Models.Where(m => m.Format.ToString() == _format);

    private string ScanSummary => Scanner.Status switch
    {
        { IsScanning: true } s => $"Scanning… {s.FilesParsed} of {s.FilesSeen} read",
        { FinishedAt: not null } s => $"{Index.Models.Count} models · last scan parsed {s.FilesChanged} changed",
        _ => $"{Index.Models.Count} models",
    };

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Index.Changed += Refresh;
        Scanner.Changed += Refresh;
        Workers.Changed += OnWorkersChanged;
        Crashes.Changed += Refresh;
        LoadFailures.Changed += Refresh;
        _budget = Fit.Budget();
    }

    private void OnWorkersChanged()
    {
        // Only a new hardware report changes the badges; loads and progress do not.
        var budget = Fit.Budget();
        if (budget != _budget)
        {
            _budget = budget;
            Refresh();
        }
    }

    private async Task RescanAsync()
    {
        try
        {
            // The scanner checks the role itself; the button is only hidden from guests.
            Scanner.RequestRescan(await Auth.CallerState.UserAsync(Authentication));
        }
        catch (Security.OwnerOnlyException refused)
        {
            _refusal = refused.Message;
        }
    }

    private bool Matches(ModelDescriptor model) => ModelSearch.Matches(model, _search);

    private void Refresh() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose()
    {
        Index.Changed -= Refresh;
        Scanner.Changed -= Refresh;
        Workers.Changed -= OnWorkersChanged;
        Crashes.Changed -= Refresh;
        LoadFailures.Changed -= Refresh;
    }
}
