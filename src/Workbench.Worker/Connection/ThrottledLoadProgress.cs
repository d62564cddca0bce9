using Microsoft.AspNetCore.SignalR.Client;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Connection;

/// <summary>
/// Forwards llama.cpp's load progress to the dashboard, at most every <see cref="Interval"/> (plus the
/// first and the final report), so a fast load does not flood the connection.
/// </summary>
internal sealed class ThrottledLoadProgress(HubConnection connection, string modelPath, TimeProvider time) : IProgress<float>
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private long _lastSent = long.MinValue;

    public void Report(float value)
    {
        var now = time.GetTimestamp();
        if (value < 1f && _lastSent != long.MinValue && time.GetElapsedTime(_lastSent, now) < Interval)
        {
            return;
        }

        _lastSent = now;
        // Fire and forget: progress is advisory and must never slow the load down.
        _ = connection.SendAsync(WorkerHubMethods.ReportLoadProgress, new LoadProgress(modelPath, value));
    }
}
