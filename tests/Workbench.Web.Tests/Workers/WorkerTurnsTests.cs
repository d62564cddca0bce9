using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class WorkerTurnsTests
{
    private const string Connection = "c1";
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private readonly WorkerTurns _turns;

    public WorkerTurnsTests()
    {
        _registry.Register(Connection, new WorkerRegistration("w", "host", 1, "Cpu", "1.0", null));
        _turns = new WorkerTurns();
    }

    [Fact]
    public async Task Waiting_requests_are_served_in_arrival_order()
    {
        var first = await _turns.WaitAsync(Connection, CancellationToken.None);
        var served = new List<int>();
        var waiters = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            var number = i;
            waiters.Add(Task.Run(async () =>
            {
                await using var turn = await _turns.WaitAsync(Connection, CancellationToken.None);
                lock (served)
                {
                    served.Add(number);
                }
            }));
            // Each waiter is in line before the next one arrives.
            await WaitForAsync(() => _turns.Waiting(Connection) == number + 1);
        }

        await first.DisposeAsync();
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([0, 1, 2, 3, 4], served);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_line_without_taking_a_turn()
    {
        var first = await _turns.WaitAsync(Connection, CancellationToken.None);
        using var giveUp = new CancellationTokenSource();
        var quitter = _turns.WaitAsync(Connection, giveUp.Token);
        var patient = _turns.WaitAsync(Connection, CancellationToken.None);
        await WaitForAsync(() => _turns.Waiting(Connection) == 2);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        await first.DisposeAsync();

        await using var turn = await patient.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _turns.Waiting(Connection));
    }

    [Fact]
    public async Task Disposing_a_turn_twice_hands_on_one_turn_only()
    {
        var turn = await _turns.WaitAsync(Connection, CancellationToken.None);
        await turn.DisposeAsync();
        await turn.DisposeAsync();

        // Exactly one more can be taken at once.
        await using var next = await _turns.WaitAsync(Connection, CancellationToken.None);
        using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _turns.WaitAsync(Connection, quick.Token));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }
}
