using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Chat;

public sealed class ModelPickerNoteTests
{
    private const string Model = "/models/m.gguf";
    private readonly WorkerRegistry _registry = new(TimeProvider.System);

    [Fact]
    public void A_loaded_model_with_a_free_slot_is_ready_now_whatever_the_fit()
    {
        Load(slots: 2);
        _registry.CountGenerating("c1", Model, +1);

        Assert.Equal("ready now", ModelPickerNote.For(_registry.Holding(Model), Model, FitKind.DoesNotFit));
    }

    [Fact]
    public void A_loaded_model_with_every_slot_answering_says_so()
    {
        Load(slots: 2);
        _registry.CountGenerating("c1", Model, +2);

        Assert.Equal("loaded, all 2 slots answering", ModelPickerNote.For(_registry.Holding(Model), Model, FitKind.FitsFully));
    }

    [Theory]
    [InlineData(FitKind.FitsFully, "fits the GPU")]
    [InlineData(FitKind.PartialOffload, "partly on the GPU")]
    [InlineData(FitKind.CpuOnly, "runs on the CPU")]
    [InlineData(FitKind.DoesNotFit, "too big here")]
    [InlineData(null, null)]
    public void A_model_not_loaded_shows_how_it_would_fit(FitKind? fit, string? expected) =>
        Assert.Equal(expected, ModelPickerNote.For(_registry.Holding(Model), Model, fit));

    private void Load(int slots)
    {
        _registry.Register("c1", new WorkerRegistration("w1", "box", 1, "Cpu", "1", null));
        _registry.SetLoadedModel("c1", new ModelLoadResult(true, null, Model, 4096, 1, 1, 1, ParallelSequences: slots));
    }
}
