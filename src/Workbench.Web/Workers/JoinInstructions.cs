using System.Net;
using System.Net.Sockets;
using Workbench.Core.Protocol;

namespace Workbench.Web.Workers;

/// <summary>
/// What the owner runs on another machine to add it to the fleet: the hub URL that machine can reach, the command
/// for a worker from a checkout or release folder, and a compose file for a worker-only container of our image.
/// The secret is a placeholder unless the owner chose to show it.
/// </summary>
public static class JoinInstructions
{
    /// <summary>Shown instead of the secret until the owner reveals it.</summary>
    public const string SecretPlaceholder = "<worker secret>";

    /// <summary>
    /// Hub URLs another machine could use: the address this page was opened with unless it is loopback (then
    /// no other machine can use it), followed by every non-loopback address of this machine on the same port.
    /// </summary>
    public static IReadOnlyList<Uri> HubUrls(Uri pageBase, IEnumerable<IPAddress> machineAddresses)
    {
        ArgumentNullException.ThrowIfNull(pageBase);
        ArgumentNullException.ThrowIfNull(machineAddresses);
        var urls = new List<Uri>();
        if (!pageBase.IsLoopback)
        {
            urls.Add(Hub(pageBase, pageBase.Host));
        }

        foreach (var address in machineAddresses.Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal))
        {
            // UriBuilder brackets an IPv6 address itself.
            var url = Hub(pageBase, address.ToString());
            if (!urls.Contains(url))
            {
                urls.Add(url);
            }
        }

        return urls.Count > 0 ? urls : [Hub(pageBase, pageBase.Host)];
    }

    /// <summary>The shell line that runs a worker from a Workbench checkout (built in Release) on the other machine.</summary>
    public static string Command(Uri hubUrl, string? secret, string workerName) =>
        $"Workbench__Worker__Secret='{secret ?? SecretPlaceholder}' dotnet src/Workbench.Worker/bin/Release/net10.0/Workbench.Worker.dll "
        + $"--Workbench:Worker:HubUrl={hubUrl} --Workbench:Worker:Name={workerName}";

    /// <summary>A compose file for a worker-only container: our image, started with the worker instead of the dashboard.</summary>
    public static string Compose(Uri hubUrl, string? secret, string workerName) => $"""
        # compose.yaml on the other machine: a worker only, joining the dashboard at {hubUrl.Host}.
        # Build the image there from a Workbench checkout first: docker compose build (or copy workbench:latest).
        services:
          worker:
            image: workbench:latest
            entrypoint: ["dotnet", "Workbench.Worker.dll"]
            environment:
              Workbench__Worker__HubUrl: "{hubUrl}"
              Workbench__Worker__Name: "{workerName}"
              Workbench__Worker__Secret: "{secret ?? SecretPlaceholder}"
            volumes:
              # Model files are read on this machine: the same paths the dashboard lists must exist here.
              - /srv/llm/models:/models:ro
            restart: unless-stopped
            deploy:
              resources:
                reservations:
                  devices:
                    - driver: nvidia
                      count: all
                      capabilities: [gpu]
        """;

    private static Uri Hub(Uri pageBase, string host) => new UriBuilder(pageBase.Scheme, host, pageBase.Port, WorkerHubMethods.Path).Uri;
}
