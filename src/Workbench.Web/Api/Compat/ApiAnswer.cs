namespace Workbench.Web.Api.Compat;

/// <summary>
/// An answer whose first update has arrived before anything is sent: when the worker failed before the first token
/// (the prompt does not fit, the model could not be loaded) the client gets a plain HTTP error with the right status,
/// even if it asked for a stream, instead of a 200 whose body carries the error.
/// </summary>
public sealed class ApiAnswer : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ApiGenerationUpdate> _updates;
    private ApiGenerationUpdate? _first;

    private ApiAnswer(IAsyncEnumerator<ApiGenerationUpdate> updates, ApiGenerationUpdate? first)
    {
        _updates = updates;
        _first = first;
    }

    /// <summary>The failure that ended the answer before any text, or null when there is text (or a normal end) to send.</summary>
    public ApiGenerationResult? FailedAtOnce => _first?.Result is { Finish: ApiFinishReason.Failed } result ? result : null;

    /// <summary>Waits for the first update of <paramref name="updates"/>.</summary>
    public static async Task<ApiAnswer> StartAsync(IAsyncEnumerable<ApiGenerationUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var enumerator = updates.GetAsyncEnumerator();
        var first = await enumerator.MoveNextAsync() ? enumerator.Current : null;
        return new ApiAnswer(enumerator, first);
    }

    /// <summary>Every update, the first one included; read once.</summary>
    public async IAsyncEnumerable<ApiGenerationUpdate> ReadAllAsync()
    {
        if (_first is { } first)
        {
            _first = null;
            yield return first;
        }

        while (await _updates.MoveNextAsync())
        {
            yield return _updates.Current;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _updates.DisposeAsync();
}
