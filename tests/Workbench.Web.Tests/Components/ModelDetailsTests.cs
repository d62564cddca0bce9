using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Core.Library;
using Workbench.Web.Components.Shared;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Components;

public sealed class ModelDetailsTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly LibraryIndex _library = new();
    private readonly ModelLoadFailures _failures;

    private static readonly ModelDescriptor Model = new()
    {
        Id = ModelDescriptor.CreateId("/models/bad.gguf"),
        Name = "bad",
        Format = ModelFormat.Gguf,
        PrimaryPath = "/models/bad.gguf",
        Source = ModelSource.ModelRoot,
        SourceRoot = "/models",
        Fingerprint = "1",
    };

    public ModelDetailsTests()
    {
        _library.Replace([Model]);
        _failures = new ModelLoadFailures(_library);
    }

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_failures);
        return Task.CompletedTask;
    }

    [Fact]
    public void A_model_that_loaded_or_was_never_tried_offers_a_plain_chat()
    {
        var view = _context.Render<ModelDetails>(p => p.Add(d => d.Model, Model));

        Assert.Equal("Chat with it", view.Find("[data-testid=model-chat]").TextContent.Trim());
        Assert.Empty(view.FindAll("[data-testid=model-load-failed]"));
    }

    [Fact]
    public void A_model_that_failed_to_load_shows_llama_cpps_reason_with_advice_and_offers_chat_only_with_the_warning()
    {
        _failures.Record(Model.PrimaryPath, "llama.cpp could not load bad.gguf: key not found in model: tokenizer.ggml.model");

        var view = _context.Render<ModelDetails>(p => p.Add(d => d.Model, Model));

        var alert = view.Find("[data-testid=model-load-failed]").TextContent;
        Assert.Contains("key not found in model: tokenizer.ggml.model", alert, StringComparison.Ordinal);
        Assert.Contains("Try another GGUF", alert, StringComparison.Ordinal);
        Assert.Equal("Try chatting anyway", view.Find("[data-testid=model-chat]").TextContent.Trim());
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
