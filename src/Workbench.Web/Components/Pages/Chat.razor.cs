using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Workbench.Web.Chat;
using Workbench.Web.Library;

namespace Workbench.Web.Components.Pages;

/// <summary>Chat with the loaded model; the conversation lives in <see cref="ChatSession"/>.</summary>
public sealed partial class Chat : IDisposable
{
    private IReadOnlyList<string> _models = [];
    private string? _draft;

    [Inject] public required ChatSession Session { get; init; }

    [Inject] public required LocalModelFiles ModelFiles { get; init; }

    [Inject] public required DemoModelProvisioner DemoModel { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _models = ModelFiles.All();
        Session.ModelPath ??= _models.Contains(DemoModel.DemoModelPath) ? DemoModel.DemoModelPath : (_models.Count > 0 ? _models[0] : null);
        Session.Changed += RenderAsync;
    }

    private Task RenderAsync() => InvokeAsync(StateHasChanged);

    private void SelectModel(string path) => Session.ModelPath = path;

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
    public void Dispose() => Session.Changed -= RenderAsync;
}
