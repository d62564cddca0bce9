using Microsoft.AspNetCore.Components;
using Workbench.Core.Library;
using Workbench.Web.Library;

namespace Workbench.Web.Components.Pages;

/// <summary>The model library: every model found, searchable, with details; the scan runs in the background.</summary>
public sealed partial class Models : IDisposable
{
    private string? _search;
    private string? _format;

    [Inject] public required LibraryIndex Index { get; init; }

    [Inject] public required LibraryScanService Scanner { get; init; }

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
    }

    private bool Matches(ModelDescriptor model) => ModelSearch.Matches(model, _search);

    private void Refresh() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose()
    {
        Index.Changed -= Refresh;
        Scanner.Changed -= Refresh;
    }
}
