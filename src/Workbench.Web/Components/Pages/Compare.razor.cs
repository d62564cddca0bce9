using Microsoft.AspNetCore.Components;
using Workbench.Core.Estimation;
using Workbench.Core.Library;
using Workbench.Web.Estimation;
using Workbench.Web.Library;

namespace Workbench.Web.Components.Pages;

/// <summary>The quantization "will it fit" table; the figures come from <see cref="FitTable"/>.</summary>
public sealed partial class Compare : IDisposable
{
    private static readonly KvCacheType[] KvChoices = [KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0];
    private static readonly int[] VramPresets = [0, 8, 12, 16, 24, 48, 80];

    private string? _modelId;
    private KvCacheType _kvCache = KvCacheType.F16;
    private bool _flashAttention = true;
    private int _vramGigabytes = 24;
    private IReadOnlyList<int> _contexts = [];
    private IReadOnlyList<FitRow> _rows = [];
    private ModelDescriptor? _model;
    private (EstimationModel Model, IReadOnlyList<QuantizationOption> Options)? _described;
    private string? _problem;

    [Inject] public required LibraryIndex Library { get; init; }

    [Inject] public required EstimationModelSource Models { get; init; }

    /// <summary>Library id of the model to compare (from the Models page).</summary>
    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelId { get; set; }

    private IEnumerable<ModelDescriptor> Candidates => Library.Models.Where(m => m.Error is null);

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Library.Changed += OnLibraryChanged;
        _modelId = ModelId ?? Candidates.FirstOrDefault()?.Id;
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
        Recompute();
    }

    private void SetKvCache(KvCacheType type)
    {
        _kvCache = type;
        Recompute();
    }

    private void SetFlashAttention(bool on)
    {
        _flashAttention = on;
        Recompute();
    }

    private void SetVram(int gigabytes)
    {
        _vramGigabytes = gigabytes;
        Recompute();
    }

    private void Recompute()
    {
        _model = _modelId is null ? null : Library.Find(_modelId);
        if (_model is null)
        {
            (_rows, _problem) = ([], Library.Models.Count == 0 ? null : "Choose a model.");
            return;
        }

        var (model, problem) = Models.For(_model);
        _problem = problem;
        if (model is null)
        {
            _rows = [];
            return;
        }

        IReadOnlyList<GpuBudget> gpus = _vramGigabytes == 0 ? [] : [GpuBudget.WithGibibytes($"{_vramGigabytes} GB GPU", _vramGigabytes)];
        var settings = RunSettings.Default with { KeyCacheType = _kvCache, ValueCacheType = _kvCache, FlashAttention = _flashAttention };
        if (_described?.Model != model)
        {
            // Describing every quantization is the costly part; settings changes reuse it.
            _described = (model, QuantizationCatalog.Describe(model));
        }

        _contexts = FitTable.ContextColumns(model.TrainingContextLength);
        _rows = FitTable.Build(model, _described.Value.Options, settings, gpus, _contexts);
    }

    private bool IsLocal(FitRow row) =>
        _model?.QuantLabel is { } label && string.Equals(label, row.Option.Label, StringComparison.OrdinalIgnoreCase);

    private static string CellClass(FitCell cell) => cell.Estimate.Verdict.Kind switch
    {
        FitKind.FitsFully => "fit-full",
        FitKind.PartialOffload => "fit-partial",
        FitKind.CpuOnly => "fit-cpu",
        _ => "fit-none",
    };

    /// <inheritdoc />
    public void Dispose() => Library.Changed -= OnLibraryChanged;
}
