using System.Globalization;
using Microsoft.AspNetCore.Components;
using Workbench.Web.Security;
using Workbench.Web.Workers;

namespace Workbench.Web.Components.Settings;

/// <summary>The default keep-alive of idle models on the Settings page (<see cref="KeepAliveDefault"/>).</summary>
public sealed partial class KeepAlivePanel : IDisposable
{
    private const string ConfiguredKey = "configured";
    private static readonly TimeSpan[] Presets =
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.Zero];

    private string? _error;

    [Inject] public required KeepAliveDefault KeepAlive { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }

    private IEnumerable<(string Key, string Label)> Choices =>
        [(ConfiguredKey, $"as configured ({Describe(KeepAlive.Configured)})"), .. Presets.Select(p => (KeyOf(p), Describe(p)))];

    private string SelectedKey => KeepAlive.Chosen is { } chosen ? KeyOf(chosen) : ConfiguredKey;

    /// <inheritdoc />
    protected override void OnInitialized() => KeepAlive.Changed += OnChanged;

    /// <summary>"15 min", "1 h", "never (keep loaded)".</summary>
    internal static string Describe(TimeSpan keepAlive) => keepAlive switch
    {
        { Ticks: 0 } => "never (keep loaded)",
        { TotalHours: >= 1 } when keepAlive.TotalHours % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{keepAlive.TotalHours:0} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{keepAlive.TotalMinutes:0.#} min"),
    };

    private static string KeyOf(TimeSpan keepAlive) => keepAlive.ToString("c", CultureInfo.InvariantCulture);

    private async Task ChooseAsync(string key)
    {
        // Checked here too, not only by the page's role: a circuit's events reach the handler whatever is shown.
        if (!OwnerOnly.Allows(await Auth.CallerState.UserAsync(Authentication)))
        {
            _error = new OwnerOnlyException("change how long idle models stay loaded").Message;
            return;
        }

        _error = null;
        TimeSpan? chosen = key == ConfiguredKey ? null : TimeSpan.ParseExact(key, "c", CultureInfo.InvariantCulture);
        await KeepAlive.SetAsync(chosen, CancellationToken.None);
    }

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose() => KeepAlive.Changed -= OnChanged;
}
