using Workbench.Web.Estimation;

namespace Workbench.Web.Tests.Estimation;

/// <summary>Measured loads in a real SQLite file.</summary>
public sealed class LoadMeasurementStoreTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-measurements-");

    [Fact]
    public async Task A_measurement_survives_reopening_the_database_with_every_part()
    {
        var load = Load("m1", computeMeasured: 900);
        await TestLoadMeasurements.Store(_data).SaveAsync(load);

        var stored = Assert.Single(await TestLoadMeasurements.Store(_data).LoadAsync());

        Assert.Equal(load, stored);
        Assert.Equal(0.9, stored.Correction!.ComputeFactor, 6);
    }

    [Fact]
    public async Task A_later_load_of_the_same_model_replaces_the_earlier_one()
    {
        var store = TestLoadMeasurements.Store(_data);
        await store.SaveAsync(Load("m1", computeMeasured: 900));
        await store.SaveAsync(Load("m2", computeMeasured: 1000));
        await store.SaveAsync(Load("m1", computeMeasured: 1100));

        var loads = (await store.LoadAsync()).OrderBy(l => l.ModelId, StringComparer.Ordinal).ToList();

        Assert.Equal(["m1", "m2"], loads.Select(l => l.ModelId));
        Assert.Equal(1100, loads[0].Measured.Compute);
    }

    private static MeasuredLoad Load(string id, long computeMeasured) => new(
        id,
        "fingerprint-" + id,
        new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero),
        ContextSize: 4096,
        MicroBatchSize: 512,
        FlashAttention: true,
        Estimated: new LoadParts(5000, 400, 1000),
        Measured: new LoadParts(5000, 400, computeMeasured));

    public void Dispose() => _data.Delete(recursive: true);
}
