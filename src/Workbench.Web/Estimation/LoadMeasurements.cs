using System.Collections.Concurrent;
using System.Threading.Channels;
using Workbench.Core.Estimation;
using Workbench.Core.Library;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// How the estimate compared with what llama.cpp allocated at each model's last load. The worker card shows it, and
/// every later estimate of that model (fit badge, Compare table, estimate API) applies the <see cref="MeasuredCorrection"/>
/// it yields. Measurements are kept in SQLite, so a restart keeps what the dashboard learned.
/// </summary>
public sealed partial class LoadMeasurements : BackgroundService
{
    private readonly ConcurrentDictionary<string, MeasuredLoad> _byModel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Connection, string Path), object> _compared = new();
    private readonly Channel<MeasuredLoad> _unsaved = Channel.CreateUnbounded<MeasuredLoad>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WorkerRegistry _workers;
    private readonly LibraryIndex _library;
    private readonly LoadedModelEstimates _estimates;
    private readonly LoadMeasurementStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<LoadMeasurements> _logger;

    public LoadMeasurements(
        WorkerRegistry workers, LibraryIndex library, LoadedModelEstimates estimates, LoadMeasurementStore store, TimeProvider time, ILogger<LoadMeasurements> logger)
    {
        _workers = workers;
        _library = library;
        _estimates = estimates;
        _store = store;
        _time = time;
        _logger = logger;
        _workers.Changed += Refresh;
    }

    /// <summary>Raised after a new measurement was taken: estimates of that model change.</summary>
    public event Action? Changed;

    /// <summary>The last measured load of a model, when its file has not changed since.</summary>
    public MeasuredLoad? For(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _byModel.TryGetValue(model.Id, out var load) && load.Fingerprint == model.Fingerprint ? load : null;
    }

    /// <summary>The correction later estimates of <paramref name="model"/> apply, or null before it was measured.</summary>
    public MeasuredCorrection? CorrectionFor(ModelDescriptor model) => For(model)?.Correction;

    /// <summary>The comparison for a model path (what a worker reports it loaded).</summary>
    public IReadOnlyList<LoadComparisonRow>? ForPath(string path) => _library.FindByPath(path) is { } model ? For(model)?.Rows : null;

    /// <inheritdoc />
    public override void Dispose()
    {
        _workers.Changed -= Refresh;
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var stored in await _store.LoadAsync(stoppingToken))
            {
                // A load measured since start-up is newer than anything stored.
                _byModel.TryAdd(stored.ModelId, stored);
            }

            Changed?.Invoke();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoadFailed(ex);
        }

        await foreach (var load in _unsaved.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await _store.SaveAsync(load, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The measurement still applies until restart; only its persistence is lost.
                LogSaveFailed(ex, load.ModelId);
            }
        }
    }

    // Each load (a new ModelLoadResult instance) is compared once, when the registry reports it; a load whose model the
    // library does not know yet is tried again at the registry's next change.
    private void Refresh()
    {
        var added = false;
        foreach (var worker in _workers.Workers)
        {
            foreach (var resident in worker.Resident)
            {
                added |= Compare(worker, resident.Load);
            }
        }

        if (added)
        {
            Changed?.Invoke();
        }
    }

    private bool Compare(ConnectedWorker worker, Core.Protocol.ModelLoadResult loaded)
    {
        if (loaded is not { Buffers: { } buffers, ModelPath: { } path }
            || (_compared.TryGetValue((worker.ConnectionId, path), out var seen) && ReferenceEquals(seen, loaded))
            || _library.FindByPath(path) is not { } descriptor
            || _estimates.For(worker, loaded) is not { } estimate)
        {
            return false;
        }

        _compared[(worker.ConnectionId, path)] = loaded;
        var comparison = LoadComparison.Of(estimate, buffers);
        var load = new MeasuredLoad(
            descriptor.Id, descriptor.Fingerprint, _time.GetUtcNow(), loaded.ContextSize, loaded.MicroBatchSize, loaded.FlashAttention,
            comparison.Estimated, comparison.Measured);
        _byModel[descriptor.Id] = load;
        _unsaved.Writer.TryWrite(load);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the stored load measurements; estimates use the formulas alone until models are loaded again.")]
    private partial void LogLoadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the load measurement of {ModelId}.")]
    private partial void LogSaveFailed(Exception exception, string modelId);
}
