using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Components.Telemetry;

/// <summary>The latest requests to the compatible APIs: who asked, for which model, how fast, how it ended.</summary>
public sealed partial class ApiRequestTable : IDisposable
{
    private static readonly CultureInfo Culture = CultureInfo.CurrentCulture;
    private IDisposable? _subscription;

    [Inject] public required ApiRequestLog Log { get; init; }

    /// <summary>How many of the newest requests to show.</summary>
    [Parameter] public int Rows { get; set; } = 20;

    private IReadOnlyList<ApiRequestRecord> Requests => [.. Log.Recent.Take(Rows)];

    /// <inheritdoc />
    protected override void OnInitialized() => _subscription = Log.Subscribe(record => _ = InvokeAsync(StateHasChanged));

    private static Color ColorOf(ApiRequestOutcome outcome) => outcome switch
    {
        ApiRequestOutcome.Completed => Color.Success,
        ApiRequestOutcome.Cancelled => Color.Default,
        ApiRequestOutcome.Failed => Color.Error,
        _ => Color.Warning,
    };

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();
}
