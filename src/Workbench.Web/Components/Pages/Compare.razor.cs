using Microsoft.AspNetCore.Components;
using MudBlazor;
using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Core.Hardware;
using Workbench.Core.Library;
using Workbench.Web.Components.Compare;
using Workbench.Web.Estimation;
using Workbench.Web.Hub;
using Workbench.Web.Library;

namespace Workbench.Web.Components.Pages;

/// <summary>The quantization "will it fit" table; the figures come from <see cref="FitTable"/>.</summary>
public sealed partial class Compare : IDisposable
{
    private static readonly KvCacheType[] KvChoices = [KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0];

    private string? _modelId;
    private KvCacheType _kvCache = KvCacheType.F16;
    private bool _flashAttention = true;
    private int _sequences = 1;
    private IReadOnlyList<GpuChoice> _gpuChoices = [];
    private string _gpuKey = "vram24";
    private (FitRow Row, FitCell Cell)? _selected;
    private EstimateBreakdown? _breakdown;
    private IReadOnlyList<int> _contexts = [];
    private IReadOnlyList<FitRow> _rows = [];
    private ModelDescriptor? _model;
    private (EstimationModel Model, IReadOnlyList<QuantizationOption> Options)? _described;
    private string? _problem;
    private MeasuredLoad? _measured;
    private MeasuredSpeed? _measuredSpeed;
    private bool _applyMeasured = true;
    private RuntimeSettings _runtime = RuntimeSettings.Default;
    private bool _everyRuntime;
    private string? _catalogGpuId;
    private int _catalogCount = 1;
    private GpuChoice? _catalogChoice;
    private IReadOnlyList<FitRow?> _best = [];
    private IReadOnlyDictionary<string, string> _speeds = new Dictionary<string, string>();
    private FitVerdict? _advice;
    private string? _versusGpuId;
    private (string Gpu, MemoryEstimate Estimate, EstimateBreakdown Breakdown)? _versus;
    private EstimationModel? _pasted;
    private HubRead? _hub;
    private HubRepoPicker? _picker;
    private IReadOnlyList<HubCompareRow> _hubRows = [];

    [Inject] public required LibraryIndex Library { get; init; }

    [Inject] public required EstimationModelSource Models { get; init; }

    [Inject] public required LibraryFit Fit { get; init; }

    [Inject] public required LoadMeasurements Measurements { get; init; }

    [Inject] public required MeasuredSpeeds Speeds { get; init; }

    private GpuChoice SelectedGpu =>
        (_catalogChoice is { } catalog && catalog.Key == _gpuKey ? catalog : null) ?? _gpuChoices.FirstOrDefault(c => c.Key == _gpuKey) ?? _gpuChoices[0];

    /// <summary>Library id of the model to compare (from the Models page).</summary>
    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelId { get; set; }

    /// <summary>A hub repository whose files are the rows ("owner/name" or a hub link), e.g. from the Get models page.</summary>
    [SupplyParameterFromQuery(Name = "repo")]
    public string? Repo { get; set; }

    private IEnumerable<ModelDescriptor> Candidates => Library.Models.Where(m => m.Error is null);

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Library.Changed += OnLibraryChanged;
        Measurements.Changed += OnLibraryChanged;
        // Without a model of your own, a well-known one: planning starts before the download.
        _modelId = ModelId ?? Candidates.FirstOrDefault()?.Id ?? CompareSubject.KnownPrefix + ArchitectureCatalog.All[0].Id;
        _gpuChoices = GpuChoice.For(Fit.Budget());
        // The user's own hardware first, when the worker has reported it.
        _gpuKey = _gpuChoices.FirstOrDefault(c => c.Detected)?.Key ?? "vram24";
        Recompute();
    }

    private void OnLibraryChanged() => _ = InvokeAsync(() =>
    {
        _modelId ??= Candidates.FirstOrDefault()?.Id;
        Recompute();
        StateHasChanged();
    });

    private void SelectModel(string id)
    {
        _modelId = id;
        LeaveHub();
        _selected = null;
        Recompute();
    }

    private void SetKvCache(KvCacheType type)
    {
        _kvCache = type;
        Recompute();
    }

    private void SetSequences(int sequences)
    {
        _sequences = sequences;
        Recompute();
    }

    private void SetFlashAttention(bool on)
    {
        _flashAttention = on;
        Recompute();
    }

    private void SetApplyMeasured(bool on)
    {
        _applyMeasured = on;
        Recompute();
    }

    private void SetGpu(string key)
    {
        _gpuKey = key;
        Recompute();
    }

    private void SetRuntime(RuntimeSettings runtime)
    {
        _runtime = runtime;
        Recompute();
    }

    private void SetEveryRuntime(bool on)
    {
        _everyRuntime = on;
        Recompute();
    }

    /// <summary>Chooses a GPU of the catalog by name (several of it for a multi-GPU what-if).</summary>
    private void SetCatalogGpu(string? id)
    {
        _catalogGpuId = id;
        ChooseCatalog();
    }

    private void SetCatalogCount(int count)
    {
        _catalogCount = count;
        ChooseCatalog();
    }

    private void ChooseCatalog()
    {
        if (GpuCatalog.Find(_catalogGpuId) is not { } entry)
        {
            return;
        }

        _catalogChoice = GpuChoice.FromCatalog(entry, _catalogCount);
        _gpuKey = _catalogChoice.Key;
        Recompute();
    }

    private void Select(FitRow row, FitCell cell)
    {
        _selected = (row, cell);
        Explain();
    }

    private void Recompute()
    {
        // A hub repository, while it is shown, takes the place of the model: its files are the rows.
        var subject = _hub is { } hub ? new CompareSubject(null, null, hub.Problem) : CompareSubject.Resolve(_modelId, Library, Models, _pasted);
        var repository = _hub?.Repository;
        _model = subject.Descriptor;
        _problem = subject.Problem;
        _hubRows = [];
        var model = subject.Model;
        if (model is null && repository is null)
        {
            (_rows, _selected) = ([], null);
            _problem = Library.Models.Count == 0 && _modelId is null && _hub is null ? null : _problem;
            Explain();
            return;
        }

        var gpus = SelectedGpu.Gpus;
        _measured = _model is null ? null : Measurements.For(_model);
        var settings = Settings();
        try
        {
            settings.Validate();
        }
        catch (ArgumentException refused)
        {
            // Settings llama.cpp would refuse get no table: it would describe a context that cannot exist.
            (_rows, _problem, _selected) = ([], $"{refused.Message} Turn flash attention on, or choose the f16 cache.", null);
            Explain();
            return;
        }
        if (repository is not null)
        {
            _contexts = HubCompareTable.Contexts(repository);
            _hubRows = HubCompareTable.Build(repository, settings, _runtime, gpus, _contexts, SelectedGpu.AvailableRamBytes, _everyRuntime);
            _rows = [.. _hubRows.SelectMany(r => r.Fits)];
            _problem = HubProblem(repository);
        }
        else if (model is not null)
        {
            if (_described?.Model != model)
            {
                // Describing every quantization is the costly part; settings changes reuse it.
                _described = (model, CompareOptions.For(model, _model));
            }

            _contexts = FitTable.ContextColumns(model.TrainingContextLength);
            _rows = FitTable.Build(model, _described.Value.Options, settings, _runtime, gpus, _contexts, SelectedGpu.AvailableRamBytes, _everyRuntime);
        }

        _best = BestFit.PerContext(_rows);
        // Keep the picked cell across setting changes; start with the user's own quant at a typical context.
        var key = _selected?.Row.Key;
        var label = _selected?.Row.Option.Label ?? _model?.QuantLabel ?? "Q4_K_M";
        var context = _selected?.Cell.ContextLength ?? LibraryFit.DefaultContext;
        var row = _rows.FirstOrDefault(r => r.Key == key)
            ?? _rows.FirstOrDefault(r => string.Equals(r.Option.Label, label, StringComparison.OrdinalIgnoreCase))
            ?? (_rows.Count > 0 ? _rows[0] : null);
        var cell = row?.Cells.FirstOrDefault(c => c.ContextLength == context) ?? (row is { Cells.Count: > 0 } ? row.Cells[0] : null);
        _selected = row is not null && cell is not null ? (row, cell) : null;
        Explain();
    }

    private void Explain()
    {
        if (_selected is not { } selected)
        {
            _breakdown = null;
            _measuredSpeed = null;
            _speeds = new Dictionary<string, string>();
            _advice = null;
            return;
        }

        // The table's estimates are for the hypothetical quant's model; speed needs that same model.
        var quantModel = selected.Row.Option.Model;
        var settings = Settings() with { ContextLength = selected.Cell.ContextLength * _sequences };
        // The worker's measured RAM speed when the choice is this machine; otherwise a stated assumption.
        var budget = SelectedGpu.Detected ? Fit.Budget() : null;
        // The table's cells skip suggestions; the one cell shown says what would make it fit.
        _advice = RuntimeMemoryEstimator.Estimate(quantModel, selected.Row.Option.Format, selected.Row.Runtime, settings, _runtime, SelectedGpu.Gpus, SelectedGpu.AvailableRamBytes).Verdict;
        _speeds = RowSpeeds.At(_rows, selected.Cell.ContextLength, Settings(), SelectedGpu.Gpus, budget?.RamBytesPerSecond);
        _breakdown = EstimateBreakdown.Of(quantModel, settings, selected.Cell.Estimate, SelectedGpu.Gpus, budget?.RamBytesPerSecond);
        // What this very file reached on this machine, once it has answered: only comparable to its own row.
        _measuredSpeed = budget is not null && IsLocal(selected.Row) && _model is not null ? Speeds.For(budget.HostName, _model.PrimaryPath) : null;
        _versus = Versus(selected.Row, settings);
    }

    /// <summary>The selected cell on the "versus" GPU: verdict and speed side by side with the chosen one.</summary>
    private (string Gpu, MemoryEstimate Estimate, EstimateBreakdown Breakdown)? Versus(FitRow row, RunSettings settings)
    {
        if (GpuCatalog.Find(_versusGpuId) is not { } entry)
        {
            return null;
        }

        var choice = GpuChoice.FromCatalog(entry, _catalogCount);
        var estimate = RuntimeMemoryEstimator.Estimate(row.Option.Model, row.Option.Format, row.Runtime, settings, _runtime, choice.Gpus);
        return (choice.Label, estimate, EstimateBreakdown.Of(row.Option.Model, settings, estimate, choice.Gpus, null));
    }

    /// <summary>Memory against context for a few rows, with the chosen and the versus GPU's memory as lines.</summary>
    private MemoryContextChart Chart()
    {
        var lines = new List<(string, long)>();
        if (SelectedGpu.Gpus.Count > 0)
        {
            lines.Add((SelectedGpu.Label, SelectedGpu.Gpus.Sum(g => g.FreeBytes)));
        }

        if (GpuCatalog.Find(_versusGpuId) is { } versus)
        {
            lines.Add((GpuChoice.FromCatalog(versus, _catalogCount).Label, versus.UsableBytes * _catalogCount));
        }

        return MemoryContextChart.For(_rows, _selected?.Row.Key, lines);
    }

    private void SetVersusGpu(string? id)
    {
        _versusGpuId = id;
        Explain();
    }

    /// <summary>Compares the model of a pasted config.json.</summary>
    private void ShowPasted(EstimationModel model)
    {
        _pasted = model;
        LeaveHub();
        _modelId = CompareSubject.PastedKey;
        _selected = null;
        Recompute();
    }

    /// <summary>Shows a hub repository's files as the rows (null: back to the chosen model).</summary>
    private void ShowHub(HubRead? read)
    {
        // A new repository starts with its own first row picked; a repeated read keeps the pick.
        if (read?.Repo != _hub?.Repo)
        {
            _selected = null;
        }

        _hub = read;
        Recompute();
    }

    /// <summary>Back to a model: the repository's rows go, and a read still under way is dropped.</summary>
    private void LeaveHub()
    {
        _picker?.Stop();
        _hub = null;
    }

    /// <summary>Why a read repository gives no table: no model files, or none that could be sized.</summary>
    private string? HubProblem(HubRepository repository) =>
        repository.Rows.Count == 0 ? $"{repository.Repo} has no GGUF file and no safetensors model folder at {repository.Revision}."
        : _rows.Count == 0 ? $"No file of {repository.Repo} could be sized: {string.Join(" ", repository.Rows.Select(r => $"{r.Set.Name}: {r.Problem ?? "not a model on its own"}"))}"
        : null;

    /// <summary>The repository row a table row was built from, when the rows are a repository's files.</summary>
    private HubModelRow? HubRowOf(FitRow row) => _hubRows.FirstOrDefault(h => h.Fits.Any(f => ReferenceEquals(f, row)))?.Row;

    /// <summary>The page's settings; a measured load of this model corrects the formulas unless switched off.</summary>
    private RunSettings Settings() => RunSettings.Default with
    {
        KeyCacheType = _kvCache,
        ValueCacheType = _kvCache,
        FlashAttention = _flashAttention,
        ParallelSequences = _sequences,
        Correction = _applyMeasured ? _measured?.Correction : null,
    };

    /// <summary>Whether <paramref name="row"/> is the best quality that fits at column <paramref name="column"/>.</summary>
    private bool IsBest(FitRow row, int column) => column < _best.Count && _best[column]?.Key == row.Key;

    /// <summary>The context a phone shows: the selected cell's.</summary>
    private int ChosenContext => _selected?.Cell.ContextLength ?? (_contexts.Count > 0 ? _contexts[0] : 0);

    private string ContextClass(int context) => context == ChosenContext ? "ctx-col ctx-chosen" : "ctx-col";

    /// <summary>Selects the same quantization at <paramref name="context"/>.</summary>
    private void ChooseContext(int context)
    {
        if (_selected is { } selected && selected.Row.Cells.FirstOrDefault(c => c.ContextLength == context) is { } cell)
        {
            Select(selected.Row, cell);
        }
    }

    private bool IsSelected(FitRow row, FitCell cell) => _selected is { } s && s.Row.Key == row.Key && s.Cell.ContextLength == cell.ContextLength;

    private bool IsLocal(FitRow row) =>
        _model?.QuantLabel is { } label && string.Equals(label, row.Option.Label, StringComparison.OrdinalIgnoreCase)
        && row.Runtime == InferenceRuntimes.DefaultFor(row.Option.Format);

    private static string CellClass(FitCell cell) => cell.Estimate.Verdict.Kind switch
    {
        FitKind.FitsFully => "fit-full",
        FitKind.PartialOffload => "fit-partial",
        FitKind.CpuOnly => "fit-cpu",
        _ => "fit-none",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        Library.Changed -= OnLibraryChanged;
        Measurements.Changed -= OnLibraryChanged;
    }
}
