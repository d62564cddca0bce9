using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Workbench.Core.Estimation;
using Workbench.Core.Hub;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;

namespace Workbench.Web.Components.Pages;

/// <summary>
/// "Which file of this repository fits?" before downloading: search the hub, open a repository, and see each file
/// sized by the estimator at the chosen context, KV type and hardware. The rows come from <see cref="HubFitTable"/>.
/// </summary>
public sealed partial class GetModels : IDisposable
{
    private static readonly int[] Contexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072];
    private static readonly KvCacheType[] KvChoices = [KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0];
    private static readonly string[] Filters = ["gguf", "gptq", "awq", "exl2"];

    private string _search = string.Empty;
    private string? _filter = "gguf";
    private IReadOnlyList<HubModelSummary> _results = [];
    private HubRepository? _repository;
    private IReadOnlyList<HubFitRow> _rows = [];
    private IReadOnlyList<GpuChoice> _gpuChoices = [];
    private IReadOnlyList<DownloadTarget> _targets = [];
    private DownloadTarget? _target;
    private string _gpuKey = "vram24";
    private int _context = LoadPlanner.DefaultContext;
    private KvCacheType _kvCache = KvCacheType.F16;
    private string? _problem;
    private bool _busy;
    private CancellationTokenSource? _work;

    [Inject] public required HubRepositoryReader Reader { get; init; }

    [Inject] public required LibraryFit Fit { get; init; }

    [Inject] public required DownloadTargets Targets { get; init; }

    [Inject] public required DownloadService Downloads { get; init; }

    [CascadingParameter] public Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    /// <summary>A repository to open at once ("owner/name"), e.g. from a link.</summary>
    [SupplyParameterFromQuery(Name = "repo")]
    public string? Repo { get; set; }

    /// <summary>The branch or commit to open the repository at (e.g. an EXL2 bit rate from the Compare page); its default branch when absent.</summary>
    [SupplyParameterFromQuery(Name = "revision")]
    public string? Revision { get; set; }

    private GpuChoice SelectedGpu => _gpuChoices.FirstOrDefault(c => c.Key == _gpuKey) ?? _gpuChoices[0];

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _gpuChoices = GpuChoice.For(Fit.Budget());
        _gpuKey = _gpuChoices.FirstOrDefault(c => c.Detected)?.Key ?? "vram24";
        _targets = await Targets.ListAsync();
        _target = _targets.Count > 0 ? _targets[0] : null;
        if (Repo is { Length: > 0 } repo)
        {
            _search = repo;
            await OpenAsync(repo, Revision is { Length: > 0 } revision ? revision : null);
        }
    }

    private async Task OnSearchKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            await SearchAsync();
        }
    }

    /// <summary>"owner/name" opens the repository; any other text searches.</summary>
    private async Task SearchAsync()
    {
        if (HubRepoId.TryParse(_search, out _, out _))
        {
            await OpenAsync(_search.Trim(), null);
            return;
        }

        await RunAsync(async ct =>
        {
            _repository = null;
            _results = await Reader.SearchAsync(await CallerAsync(), _search, _filter, 30, ct);
            _problem = _results.Count == 0 ? $"No repository on the hub matches '{_search}'{(_filter is null ? "" : $" with the tag {_filter}")}." : null;
        });
    }

    private async Task SetFilterAsync(string? filter)
    {
        _filter = filter;
        if (_search.Length > 0 && _repository is null)
        {
            await SearchAsync();
        }
    }

    private Task OpenAsync(string repo, string? revision) => RunAsync(async ct =>
    {
        if (!HubRepoId.TryParse(repo, out var id, out var invalid))
        {
            _problem = invalid;
            return;
        }

        _repository = await Reader.ReadAsync(await CallerAsync(), id, revision, ct);
        _results = [];
        _problem = null;
        Recompute();
    });

    private Task SelectRevisionAsync(string branch) => _repository is { } repository ? OpenAsync(repository.Repo.ToString(), branch) : Task.CompletedTask;

    private async Task RunAsync(Func<CancellationToken, Task> work)
    {
        if (_work is { } previous)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        _work = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _busy = true;
        try
        {
            await work(_work.Token);
        }
        catch (HubException e)
        {
            _problem = e.Message;
        }
        catch (OperationCanceledException)
        {
            _problem = "The hub did not answer in time.";
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DownloadAsync(HubFitRow row)
    {
        if (_repository is not { } repository)
        {
            return;
        }

        // The row's own branch: an EXL2 repository's rows each sit on the branch of their bit rate.
        var started = await Downloads.StartAsync(await CallerAsync(), repository.Repo.ToString(), row.Row.Revision, row.Row.Set.Name, _target?.Path, CancellationToken.None);
        _problem = started.Problem;
    }

    /// <summary>Who is looking: the hub is read with the token only for the owner.</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal> CallerAsync() => Auth is null ? new() : (await Auth).User;

    private void SetContext(int context)
    {
        _context = context;
        Recompute();
    }

    private void SetKvCache(KvCacheType kv)
    {
        _kvCache = kv;
        Recompute();
    }

    private void SetGpu(string? key)
    {
        _gpuKey = key ?? _gpuKey;
        Recompute();
    }

    private void SetTarget(string path)
    {
        _target = _targets.FirstOrDefault(t => t.Path == path) ?? _target;
        Recompute();
    }

    private void Recompute()
    {
        if (_repository is null)
        {
            _rows = [];
            return;
        }

        var choice = SelectedGpu;
        var settings = RunSettings.Default with { ContextLength = _context, KeyCacheType = _kvCache, ValueCacheType = _kvCache };
        var detected = choice.Detected ? Fit.Budget() : null;
        var free = _target is null ? null : Targets.FreeBytes(_target.Path);
        _rows = HubFitTable.Build(_repository, settings, choice.Gpus, choice.AvailableRamBytes, detected, free);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _work?.Cancel();
        _work?.Dispose();
    }

    private static string CellClass(FitKind kind) => kind switch
    {
        FitKind.FitsFully => "fit-full",
        FitKind.PartialOffload => "fit-partial",
        FitKind.CpuOnly => "fit-cpu",
        _ => "fit-none",
    };

    private static string Total(Workbench.Web.Api.EstimateEndpoints.EstimateResponse estimate) =>
        Library.ModelDisplay.Bytes(estimate.TotalGpuBytes > 0 ? estimate.TotalGpuBytes : estimate.TotalRamBytes);
}
