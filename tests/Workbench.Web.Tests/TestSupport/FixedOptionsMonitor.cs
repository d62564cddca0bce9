using Microsoft.Extensions.Options;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>Settings that never change, for services that read an <see cref="IOptionsMonitor{TOptions}"/>.</summary>
public sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
