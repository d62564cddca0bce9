using Microsoft.AspNetCore.Components;
using Workbench.Web.Telemetry;

namespace Workbench.Web.Components.Pages;

/// <summary>Live charts of every worker host's load over the last two minutes; redrawn at the store's throttled pace.</summary>
public sealed partial class Telemetry : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(2);
    private IDisposable? _subscription;

    [Inject] public required TelemetryStore Store { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required WorkerActivityLog Activity { get; init; }

    [Inject] public required Workbench.Web.Workers.WorkerRegistry Workers { get; init; }

    [Inject] public required Workbench.Web.Estimation.LoadedModelEstimates Estimates { get; init; }

    private List<(string Host, TelemetryChartSet Charts)> Hosts { get; set; } = [];

    [Inject] public required Workbench.Web.Workers.FleetView Fleet { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized() => _subscription = Store.Subscribe(Refresh);

    /// <inheritdoc />
    protected override void OnParametersSet() => Rebuild();

    private void Rebuild()
    {
        var since = Time.GetUtcNow() - Window;
        Hosts = [.. Fleet.LocalFirst(Store.Since(since).Where(h => h.Value.Count > 0), h => h.Key).Select(h => (h.Key, TelemetryChartSet.From(h.Value, activity: Activity.Since(h.Key, since), reference: Reference(h.Key))))];
    }

    /// <summary>The estimate of the model loaded on <paramref name="host"/>'s worker, for the charts' reference lines.</summary>
    private Workbench.Web.Estimation.ModelMemoryReference? Reference(string host) =>
        Workers.Workers.Where(w => w.Registration.HostName == host).Select(Estimates.ReferenceFor).FirstOrDefault(r => r is not null);

    private void Refresh() => _ = InvokeAsync(() =>
    {
        Rebuild();
        StateHasChanged();
    });

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();
}
