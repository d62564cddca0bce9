using Microsoft.AspNetCore.SignalR.Client;

namespace Workbench.Worker.Connection;

/// <summary>
/// The worker's current connection to the dashboard, for messages that may be lost (telemetry): a send never waits,
/// is dropped while disconnected, and is dropped while the previous one is still on the wire.
/// </summary>
public sealed partial class WorkerHubLink(ILogger<WorkerHubLink> logger)
{
    private HubConnection? _connection;
    private int _sending;
    private long _dropped;

    /// <summary>Whether a message sent now would go out.</summary>
    public bool IsConnected => Volatile.Read(ref _connection)?.State == HubConnectionState.Connected;

    /// <summary>Messages dropped so far because the worker was disconnected or the previous send had not finished.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Sets (or clears) the connection messages go through.</summary>
    internal void Attach(HubConnection? connection) => Volatile.Write(ref _connection, connection);

    /// <summary>Sends <paramref name="argument"/> to the hub method <paramref name="method"/> without waiting; false when it was dropped.</summary>
    public bool TrySend(string method, object argument)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection?.State != HubConnectionState.Connected || Interlocked.Exchange(ref _sending, 1) == 1)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _ = SendAsync(connection, method, argument);
        return true;
    }

    private async Task SendAsync(HubConnection connection, string method, object argument)
    {
        try
        {
            await connection.SendAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The connection went away mid-send; the next sample goes out once it is back.
            LogSendFailed(logger, method, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a {Method} message: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string method, string reason);
}
