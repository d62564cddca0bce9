using System.Diagnostics;
using Workbench.Web.Tests.Deployment;
using Xunit.Abstractions;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// The official <c>openai</c> and <c>ollama</c> npm packages against the real server, driven by node/clients.mjs:
/// overflow 400 without retry, JSON mode, keep-alive 0, raw and FIM, unsupported endpoints, CORS. The packages come
/// from node/package-lock.json through <c>npm ci</c>, run once and kept in node/node_modules.
/// </summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class NodeClientTests(CompatApiServer server, ITestOutputHelper output)
{
    private static readonly string Folder = RepositoryRoot.PathOf("tests/Workbench.Web.Tests/Api/Compat/node");

    [Fact]
    public async Task The_official_openai_and_ollama_npm_clients_get_real_API_behaviour()
    {
        await InstallPackagesAsync();

        var (exitCode, text) = await RunAsync("node", ["clients.mjs", server.BaseAddress.ToString(), server.Key, CompatApiServer.AllowedOrigin], TimeSpan.FromMinutes(3));

        output.WriteLine(text);
        Assert.True(exitCode == 0, text);
    }

    // npm ci only when the installed packages are older than the lock file (a clean clone has none).
    private async Task InstallPackagesAsync()
    {
        var installed = Path.Combine(Folder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
        {
            return;
        }

        var (exitCode, text) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"npm ci failed in {Folder}:\n{text}");
        output.WriteLine(text);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran past {timeout}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
