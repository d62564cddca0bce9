using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Workbench.Core.Hub;
using Workbench.Web.Hub;

namespace Workbench.Web.Components.Compare;

/// <summary>Reads a hub repository for the Compare page and reports each step (reading, read, refused) to it.</summary>
public sealed partial class HubRepoPicker : IDisposable
{
    private string? _text;
    private CancellationTokenSource? _work;

    [Inject] public required HubRepositoryReader Reader { get; init; }

    /// <summary>Who reads: the owner's hub token is used only for the owner.</summary>
    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    /// <summary>A repository to read at once ("owner/name" or a hub link), e.g. from the Get models page.</summary>
    [Parameter] public string? InitialRepo { get; set; }

    /// <summary>What the page shows now: the last read, or null for a library model.</summary>
    [Parameter] public HubRead? Current { get; set; }

    /// <summary>Each step of a read; null when the user goes back to the library model.</summary>
    [Parameter] public EventCallback<HubRead?> Changed { get; set; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        if (InitialRepo is { Length: > 0 } repo)
        {
            _text = repo;
            await ReadAsync();
        }
    }

    private async Task OnKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            await ReadAsync();
        }
    }

    private async Task ReadAsync()
    {
        if (_work is { } previous)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        if (!HubRepoInput.TryParse(_text, out var input, out var invalid))
        {
            _work = null;
            await Changed.InvokeAsync(new HubRead(_text ?? string.Empty, false, null, invalid));
            return;
        }

        var work = _work = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var name = input.Repo.ToString();
        await Changed.InvokeAsync(new HubRead(name, true, null, null));
        HubRead done;
        try
        {
            done = new HubRead(name, false, await Reader.ReadAsync(Auth is null ? new() : (await Auth).User, input.Repo, input.Revision, work.Token), null);
        }
        catch (HubException e)
        {
            // The client's messages already say what to do: gated (accept the terms, set a token), not found, unreachable.
            done = new HubRead(name, false, null, $"Could not read {name}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ReferenceEquals(_work, work))
        {
            // A newer read replaced this one; it reports for itself.
            return;
        }
        catch (OperationCanceledException)
        {
            done = new HubRead(name, false, null, $"The hub did not answer for {name} within two minutes; try again, or check that this machine can reach the hub.");
        }

        // A read the page stopped (another model was picked meanwhile) must not bring the repository back.
        if (ReferenceEquals(_work, work))
        {
            await Changed.InvokeAsync(done);
        }
    }

    /// <summary>Stops a read under way without reporting it: the page has moved on to another model.</summary>
    public void Stop()
    {
        _work?.Cancel();
        _work?.Dispose();
        _work = null;
    }

    private async Task ClearAsync()
    {
        _text = null;
        await Changed.InvokeAsync(null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _work?.Cancel();
        _work?.Dispose();
    }
}
