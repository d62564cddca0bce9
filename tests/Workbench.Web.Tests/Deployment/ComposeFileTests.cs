using System.Text.RegularExpressions;

namespace Workbench.Web.Tests.Deployment;

/// <summary>
/// The container setup at the top of the repository (compose.yaml, Dockerfile, .dockerignore).
/// No Docker engine runs where the tests run, so these read the files instead of building them.
/// </summary>
public sealed partial class ComposeFileTests
{
    private const string ServiceName = "workbench";
    private const string ContainerPort = "8080";
    private const string ModelsFolder = "/models";
    private const string DataFolder = "/data";

    /// <summary>
    /// The configuration keys the application reads, in their environment-variable spelling
    /// (<c>__</c> for <c>:</c>), with what they mean. Compose may set only these.
    /// </summary>
    private static readonly Dictionary<string, string> DocumentedConfigurationKeys = new(StringComparer.Ordinal)
    {
        ["Workbench__DataDirectory"] = "Workbench:DataDirectory, the data folder: SQLite, keys, generated models, logs",
        ["Workbench__ModelRoots__0"] = "Workbench:ModelRoots:0, the first folder searched for GGUF models",
        ["ASPNETCORE_HTTP_PORTS"] = "the HTTP port(s) Kestrel listens on",
        ["Workbench__Access__AllowLoopbackWithoutSignIn"] = "Workbench:Access:AllowLoopbackWithoutSignIn, off in a container",
        ["Workbench__Access__AllowedHosts__0"] = "Workbench:Access:AllowedHosts:0, the host names answered",
    };

    private readonly ComposeFile _compose = ComposeFile.Load(RepositoryRoot.PathOf("compose.yaml"));
    private readonly Dockerfile _dockerfile = Dockerfile.Load(RepositoryRoot.PathOf("Dockerfile"));

    private ComposeService Workbench =>
        _compose.Service(ServiceName) ?? throw new InvalidOperationException($"compose.yaml has no '{ServiceName}' service.");

    [Fact]
    public void Compose_defines_the_workbench_service()
    {
        Assert.Contains(ServiceName, _compose.ServiceNames);
    }

    [Fact]
    public void Workbench_service_is_built_from_the_Dockerfile_at_the_repository_root()
    {
        Assert.Equal(".", Workbench.BuildContext);
        Assert.True(File.Exists(RepositoryRoot.PathOf(Workbench.BuildDockerfile ?? "Dockerfile")));
    }

    [Fact]
    public void Workbench_service_passes_the_LLAMA_BACKEND_build_argument()
    {
        Assert.Contains("LLAMA_BACKEND", Workbench.BuildArgs.Keys);
    }

    [Fact]
    public void Workbench_service_publishes_container_port_8080_on_host_port_8080()
    {
        Assert.Contains(new PortMapping(ContainerPort, ContainerPort), Workbench.Ports);
    }

    [Theory]
    [InlineData(ModelsFolder)]
    [InlineData(DataFolder)]
    public void Workbench_service_mounts_a_named_volume_declared_at_top_level_at(string target)
    {
        var mount = Assert.Single(Workbench.Volumes, volume => volume.Target == target);

        Assert.Equal("volume", mount.Type);
        Assert.Contains(mount.Source, _compose.DeclaredVolumes);
    }

    [Fact]
    public void Data_volume_is_writable()
    {
        var mount = Assert.Single(Workbench.Volumes, volume => volume.Target == DataFolder);

        Assert.False(mount.ReadOnly);
    }

    [Fact]
    public void Workbench_service_reserves_nvidia_gpus()
    {
        Assert.Contains(
            Workbench.DeviceReservations,
            device => device.Driver == "nvidia" && device.Capabilities.Contains("gpu"));
    }

    [Fact]
    public void Healthcheck_probes_the_healthz_endpoint_on_the_container_port()
    {
        Assert.Contains($"http://localhost:{ContainerPort}/healthz", Workbench.HealthcheckCommand, StringComparison.Ordinal);
    }

    [Fact]
    public void Workbench_service_restarts_unless_stopped()
    {
        Assert.Equal("unless-stopped", Workbench.Restart);
    }

    [Fact]
    public void Every_environment_key_is_a_documented_configuration_key()
    {
        Assert.NotEmpty(Workbench.Environment);
        Assert.All(Workbench.Environment.Keys, key => Assert.Contains(key, DocumentedConfigurationKeys.Keys));
    }

    [Theory]
    [InlineData("Workbench__DataDirectory", DataFolder)]
    [InlineData("Workbench__ModelRoots__0", ModelsFolder)]
    [InlineData("ASPNETCORE_HTTP_PORTS", ContainerPort)]
    [InlineData("Workbench__Access__AllowLoopbackWithoutSignIn", "false")]
    public void Environment_points_configuration_key_at_the_container_layout(string key, string expected)
    {
        Assert.Equal(expected, Assert.Contains(key, Workbench.Environment));
    }

    [Fact]
    public void Dockerfile_final_stage_exposes_port_8080()
    {
        var exposed = _dockerfile.FinalStage.All("EXPOSE")
            .SelectMany(expose => expose.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Contains(exposed, port => port == ContainerPort || port == $"{ContainerPort}/tcp");
    }

    [Fact]
    public void Dockerfile_final_stage_runs_as_a_non_root_user()
    {
        var user = Assert.IsType<DockerfileInstruction>(_dockerfile.FinalStage.All("USER").LastOrDefault());

        Assert.DoesNotMatch(RootUser(), user.Arguments);
    }

    [Fact]
    public void Dockerfile_final_stage_starts_the_web_host()
    {
        var entrypoint = Assert.Single(_dockerfile.FinalStage.All("ENTRYPOINT"));

        Assert.Contains("Workbench.Web.dll", entrypoint.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_publishes_with_the_dotnet_10_sdk()
    {
        var stage = Assert.Single(_dockerfile.Stages, stage => DotnetCommands(stage, "publish").Any());

        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", stage.BaseImage);
    }

    [Fact]
    public void Dockerfile_build_stage_declares_LLAMA_BACKEND_defaulting_to_Cuda12()
    {
        var stage = Assert.Single(_dockerfile.Stages, stage => DotnetCommands(stage, "publish").Any());

        Assert.Contains(stage.All("ARG"), argument => argument.Arguments == "LLAMA_BACKEND=Cuda12");
    }

    [Fact]
    public void Dockerfile_publish_step_passes_the_LLAMA_BACKEND_argument_as_LlamaBackend()
    {
        var publish = Assert.Single(_dockerfile.Stages.SelectMany(stage => DotnetCommands(stage, "publish")));

        Assert.Matches(LlamaBackendFromBuildArgument(), publish.Arguments);
    }

    [Fact]
    public void Dockerfile_restore_step_uses_the_same_LlamaBackend_as_the_publish_step()
    {
        var restores = _dockerfile.Stages.SelectMany(stage => DotnetCommands(stage, "restore")).ToList();

        Assert.NotEmpty(restores);
        Assert.All(restores, restore => Assert.Matches(LlamaBackendFromBuildArgument(), restore.Arguments));
    }

    [Fact]
    public void Dockerignore_keeps_host_bin_and_obj_folders_out_of_the_build_context()
    {
        var patterns = File.ReadAllLines(RepositoryRoot.PathOf(".dockerignore"))
            .Select(line => line.Trim().TrimEnd('/'))
            .ToList();

        Assert.Contains("**/bin", patterns);
        Assert.Contains("**/obj", patterns);
    }

    private static IEnumerable<DockerfileInstruction> DotnetCommands(DockerfileStage stage, string command) =>
        stage.All("RUN").Where(run => run.Arguments.Contains($"dotnet {command}", StringComparison.Ordinal));

    [GeneratedRegex(@"[-/]p:LlamaBackend=(\$LLAMA_BACKEND\b|\$\{LLAMA_BACKEND\})")]
    private static partial Regex LlamaBackendFromBuildArgument();

    [GeneratedRegex(@"^(root|0)(:.*)?$")]
    private static partial Regex RootUser();
}
