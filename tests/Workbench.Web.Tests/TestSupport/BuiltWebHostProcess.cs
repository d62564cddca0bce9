using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// The web host as a user runs it from the build output: <c>dotnet Workbench.Web.dll</c> in
/// <c>src/Workbench.Web/bin/&lt;configuration&gt;/net10.0</c>, Production, no launch profile.
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

    /// <summary>Where it listens, once it says so.</summary>
    public Task<Uri> Address => _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Starts the built host with <paramref name="environment"/> variables added to this process's own.</summary>
    public static BuiltWebHostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var folder = Path.Combine(Deployment.RepositoryRoot.PathOf("src/Workbench.Web/bin"), BuildConfiguration, "net10.0");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(folder, "Workbench.Web.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
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
