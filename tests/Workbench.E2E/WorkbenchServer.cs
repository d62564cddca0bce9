using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Workbench.E2E;

/// <summary>
/// The real dashboard on real Kestrel (loopback, a free port), with its own data folder and the
/// local worker it supervises as a child process, exactly as a user runs it.
/// </summary>
public sealed class WorkbenchServer : WebApplicationFactory<Program>
{
    /// <summary>Models generated into the server's model root (plus one broken file).</summary>
    public static readonly string[] LibraryModelNames = ["alpha-7b", "mistral-q4", "zephyr-chat"];

    /// <summary>The repository the local hub serves: one small GGUF file the Get models tests download.</summary>
    public const string HubRepo = "acme/Tiny-Demo-GGUF";

    /// <summary>Its file.</summary>
    public const string HubFile = "tiny-demo-F16.gguf";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("workbench-e2e-").FullName;
    private readonly string _modelRoot;

    /// <summary>Creates and starts the server.</summary>
    public WorkbenchServer()
    {
        _modelRoot = Directory.CreateDirectory(Path.Combine(_dataDirectory, "library")).FullName;
        foreach (var name in LibraryModelNames)
        {
            // Trained for 8k tokens like a small real model: chat loads them at its 4k default and can offer 8k.
            Workbench.Core.DemoModel.DemoModelGenerator.Write(
                Path.Combine(_modelRoot, name + ".gguf"), Workbench.Core.DemoModel.DemoModelOptions.Tiny with { ContextLength = 8192 });
        }

        File.WriteAllText(Path.Combine(_modelRoot, "broken.gguf"), "not a model");
        var hubFolder = Directory.CreateDirectory(Path.Combine(_dataDirectory, "hub")).FullName;
        Workbench.Core.DemoModel.DemoModelGenerator.Write(
            Path.Combine(hubFolder, HubFile), Workbench.Core.DemoModel.DemoModelOptions.Tiny with { ContextLength = 8192, Name = "Tiny from the hub" });
        Hub = Workbench.Core.Tests.TestSupport.LocalHub.StartAsync().GetAwaiter().GetResult();
        Hub.AddRepo(HubRepo, hubFolder);
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    /// <summary>A Hugging Face Hub stand-in on loopback that the dashboard's Get models page talks to.</summary>
    internal Workbench.Core.Tests.TestSupport.LocalHub Hub { get; }

    /// <summary>Where the browser goes, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>The configured model folder (the default target of downloads).</summary>
    public string ModelRoot => _modelRoot;

    /// <summary>The server's data folder (demo model, logs).</summary>
    public string DataDirectory => _dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Workbench:DataDirectory", _dataDirectory);
        builder.UseSetting("Workbench:DiscoverKnownStores", "false");
        builder.UseSetting("Workbench:ModelRoots:0", _modelRoot);
        builder.UseSetting("Workbench:GenerateDemoModel", "true");
        // Chat answers run to the window's end by default; the random demo model's would take most of a minute each.
        builder.UseSetting("Workbench:Chat:DefaultMaxTokens", "256");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // Open pages re-check their sign-in token every second, so a revoked session ends quickly in tests.
        builder.UseSetting("Workbench:Access:SessionRevalidationInterval", "00:00:01");
        builder.UseSetting("Workbench:HuggingFace:Endpoint", Hub.Endpoint.ToString());
        builder.UseSetting("Workbench:HuggingFace:DiskReserveMiB", "0");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Hub.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a dying worker; the temp folder is cleaned by the OS.
            }
        }
    }
}
