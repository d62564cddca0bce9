using System.ClientModel;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OllamaSharp;
using OpenAI;
using Workbench.Core.DemoModel;
using Workbench.Web.Api.Compat;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// One dashboard on real Kestrel with its real worker, shared by the compatible-API tests: a model root holding two
/// generated models ("alpha" and "beta") so loading on request can be seen, keys required even from loopback,
/// and one valid key for the clients.
/// </summary>
public sealed class CompatApiServer : IAsyncLifetime
{
    /// <summary>The model the tests talk to.</summary>
    public const string Alpha = "alpha";

    /// <summary>A second model, for loading on request.</summary>
    public const string Beta = "beta";

    /// <summary>The one web origin the API's CORS lets in.</summary>
    public const string AllowedOrigin = "http://allowed.example:3000";

    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-compat-models-");

    public CompatApiServer()
    {
        DemoModelGenerator.Write(Path.Combine(_models.FullName, Alpha + ".gguf"));
        DemoModelGenerator.Write(Path.Combine(_models.FullName, Beta + ".gguf"));
        Server = new RealWorkerServer("compat", new Dictionary<string, string>
        {
            ["Workbench:ModelRoots:0"] = _models.FullName,
            ["Workbench:Access:AllowLoopbackWithoutSignIn"] = "false",
            ["Workbench:Api:ContextSize"] = "4096",
            ["Workbench:Api:MaxRequestBodyBytes"] = "65536",
            ["Workbench:Api:CorsOrigins:0"] = AllowedOrigin,
        });
    }

    public RealWorkerServer Server { get; }

    /// <summary>A valid API key.</summary>
    public string Key { get; private set; } = string.Empty;

    /// <summary>The server's root address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public T Get<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    /// <summary>The official OpenAI client pointed at this host's <c>/v1</c>.</summary>
    public OpenAIClient OpenAi(string? key = null) =>
        new(new ApiKeyCredential(key ?? Key), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "v1") });

    /// <summary>
    /// The OpenAI client on a handler that closes a cancelled response at once. By default .NET's handler first
    /// drains up to 1 MB or 2 s of it to reuse the connection, and the server only learns of the cancel then.
    /// </summary>
    public OpenAIClient OpenAiClosingOnCancel()
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        return new(new ApiKeyCredential(Key), new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "v1"),
            Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http),
        });
    }

    /// <summary>OllamaSharp pointed at this host, sending the key.</summary>
    public OllamaApiClient Ollama() => new(Http(Key));

    /// <summary>A plain client, with <paramref name="key"/> as bearer token when given.</summary>
    public HttpClient Http(string? key = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async Task InitializeAsync()
    {
        using (var probe = Server.CreateClient())
        {
            BaseAddress = probe.BaseAddress!;
        }

        var registry = Get<WorkerRegistry>();
        var models = Get<CompatModelResolver>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Count > 0, "the local worker to connect");
        await RealWorkerServer.WaitUntilAsync(() => models.Models.Count == 2, "the library scan to index both models");
        Key = (await Get<ApiKeyStore>().CreateAsync("tests")).Secret;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}

/// <summary>The compatible-API tests share one server and run one after another (the worker serves one answer at a time).</summary>
[CollectionDefinition(Name)]
public sealed class CompatApiTestGroup : ICollectionFixture<CompatApiServer>
{
    public const string Name = "Compat API";
}
