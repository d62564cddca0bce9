using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Workbench.Web.Workers;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Caps the requests one API client (its key, else its address) has waiting or running, so one busy script cannot
/// fill every model's queue: past <see cref="RuntimeOptions.MaxQueuedPerClient"/> it is answered 429.
/// </summary>
public sealed class ApiClientQuota(IOptionsMonitor<RuntimeOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Counts a request in; dispose the result when it ends. Throws a 429 refusal past the limit.</summary>
    public IDisposable Enter(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var client = Identity(http);
        var limit = options.CurrentValue.MaxQueuedPerClient;
        if (_inFlight.AddOrUpdate(client, 1, (_, n) => n + 1) > limit)
        {
            Leave(client);
            throw new ApiRequestException(
                StatusCodes.Status429TooManyRequests,
                $"This client already has {limit} requests waiting or running ({RuntimeOptions.Section}:MaxQueuedPerClient); wait for one to finish.",
                code: "too_many_requests");
        }

        return new Ticket(() => Leave(client));
    }

    /// <summary>Requests <paramref name="http"/>'s client has in flight.</summary>
    public int InFlight(HttpContext http) => _inFlight.GetValueOrDefault(Identity(http));

    private void Leave(string client)
    {
        if (_inFlight.AddOrUpdate(client, 0, (_, n) => n - 1) <= 0)
        {
            _inFlight.TryRemove(new KeyValuePair<string, int>(client, 0));
        }
    }

    // The key's hash (never the key itself), else the remote address: one person's tools share one quota.
    private static string Identity(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.Length > 0
            ? "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)))[..16]
            : "address:" + http.Connection.RemoteIpAddress;
    }

    private sealed class Ticket(Action leave) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                leave();
            }
        }
    }
}
