using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// The web host as a user runs it: the built <c>dotnet Workbench.Web.dll</c> in
/// <c>src/Workbench.Web/bin/&lt;configuration&gt;/net10.0</c> (Production, no launch profile), or the README's
/// <c>dotnet run --project src/Workbench.Web</c> with its launch profile (without building again).
/// </summary>
public sealed partial class BuiltWebHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private BuiltWebHostProcess(Process process) => _process = process;

    /// <summary>Everything the host printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Waits up to 10 s for the host to print <paramref name="text"/>; the output so far.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        for (var i = 0; i < 200 && !Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        return Output;
    }

    /// <summary>Where it listens, once it says so.</summary>
    public Task<Uri> Address => _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Starts the built host with <paramref name="environment"/> variables added to this process's own.</summary>
    public static BuiltWebHostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var folder = Path.Combine(Deployment.RepositoryRoot.PathOf("src/Workbench.Web/bin"), BuildConfiguration, "net10.0");
        var environmentWithProduction = new Dictionary<string, string>(environment) { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        return Launch(folder, environmentWithProduction, [Path.Combine(folder, "Workbench.Web.dll"), .. arguments]);
    }

    /// <summary>Starts <c>dotnet run --project src/Workbench.Web</c> from the repository root, as the README says.</summary>
    public static BuiltWebHostProcess StartWithDotnetRun(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Launch(
            Deployment.RepositoryRoot.PathOf("."),
            environment,
            ["run", "--no-build", "-c", BuildConfiguration, "--project", "src/Workbench.Web", .. arguments]);

    private static BuiltWebHostProcess Launch(string workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What the test runner itself was started with must not decide the environment or the address.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var host = new BuiltWebHostProcess(Process.Start(start)!);
        host._process.OutputDataReceived += (_, line) => host.Read(line.Data);
        host._process.ErrorDataReceived += (_, line) => host.Read(line.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    // The tests' own configuration (bin/Debug or bin/Release) is the one the web project was built in.
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningLine();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
