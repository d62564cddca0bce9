using System.Net;
using Microsoft.AspNetCore.Http;
using Workbench.Web.Api.Compat;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

public sealed class ApiClientQuotaTests
{
    private readonly ApiClientQuota _quota = new(new FixedOptionsMonitor<RuntimeOptions>(new RuntimeOptions { MaxQueuedPerClient = 2 }));

    private static DefaultHttpContext Caller(string? key, string address = "192.168.1.20")
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (key is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + key;
        }

        return http;
    }

    [Fact]
    public void A_client_past_its_limit_is_answered_429_and_a_finished_request_makes_room()
    {
        var first = _quota.Enter(Caller("key-a"));
        using var second = _quota.Enter(Caller("key-a"));

        var refused = Assert.Throws<ApiRequestException>(() => _quota.Enter(Caller("key-a")));
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.StatusCode);
        Assert.Contains("MaxQueuedPerClient", refused.Message, StringComparison.Ordinal);

        first.Dispose();
        first.Dispose();
        using var third = _quota.Enter(Caller("key-a"));
        Assert.Equal(2, _quota.InFlight(Caller("key-a")));
    }

    [Fact]
    public void Each_key_and_each_keyless_address_has_its_own_quota()
    {
        using var a1 = _quota.Enter(Caller("key-a"));
        using var a2 = _quota.Enter(Caller("key-a"));

        using var b = _quota.Enter(Caller("key-b"));
        using var local = _quota.Enter(Caller(null, "127.0.0.1"));
        using var other = _quota.Enter(Caller(null, "192.168.1.30"));
        Assert.Equal(1, _quota.InFlight(Caller(null, "127.0.0.1")));
    }
}
