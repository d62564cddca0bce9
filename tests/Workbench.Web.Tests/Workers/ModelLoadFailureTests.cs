using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>
/// A file the library reads but llama.cpp refuses (its tokenizer key renamed), loaded by the real worker: the library
/// marks it with llama.cpp's words, and the mark goes once a good file at that path loads.
/// </summary>
public sealed class ModelLoadFailureTests : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-load-failure-");
    private RealWorkerServer _server = null!;

    private string ModelPath => Path.Combine(_models.FullName, "no-tokenizer.gguf");

    public Task InitializeAsync()
    {
        DemoModelGenerator.Write(ModelPath);
        // The same length, so the file stays a valid GGUF; llama.cpp then misses the key it needs.
        var bytes = File.ReadAllBytes(ModelPath);
        var key = Encoding.ASCII.GetBytes("tokenizer.ggml.model");
        var at = bytes.AsSpan().IndexOf(key);
        Assert.True(at >= 0, "the demo model has no tokenizer.ggml.model key");
        Encoding.ASCII.GetBytes("tokenizer.ggml.modeX").CopyTo(bytes, at);
        File.WriteAllBytes(ModelPath, bytes);
        _server = new RealWorkerServer("load-failure", ("Workbench:ModelRoots:0", _models.FullName));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_file_llama_cpp_refuses_is_marked_with_its_reason_until_it_loads()
    {
        var gateway = _server.Services.GetRequiredService<WorkerGateway>();
        var failures = _server.Services.GetRequiredService<ModelLoadFailures>();
        var library = _server.Services.GetRequiredService<LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.FindByPath(ModelPath) is not null, "the library scan");
        await RealWorkerServer.WaitUntilAsync(() => _server.Services.GetRequiredService<WorkerRegistry>().PickWorker() is not null, "a connected worker");

        var failed = await gateway.LoadModelAsync(new ModelLoadRequest(ModelPath, 512), CancellationToken.None);

        Assert.False(failed.Succeeded);
        Assert.Contains("tokenizer.ggml.model", failures.For(ModelPath)?.Reason, StringComparison.Ordinal);

        DemoModelGenerator.Write(ModelPath);
        var loaded = await gateway.LoadModelAsync(new ModelLoadRequest(ModelPath, 512), CancellationToken.None);

        Assert.True(loaded.Succeeded, loaded.Error);
        Assert.Null(failures.For(ModelPath));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}
