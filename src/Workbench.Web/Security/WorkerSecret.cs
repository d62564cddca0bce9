using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Security;

/// <summary>The shared secret workers present on the hub: configured, or generated once into the data folder.</summary>
public sealed class WorkerSecret(IOptions<AccessOptions> access, IOptions<WorkbenchOptions> workbench)
{
    private readonly Lazy<string> _value = new(() => Resolve(access.Value, workbench.Value));

    /// <summary>The secret.</summary>
    public string Value => _value.Value;

    private static string Resolve(AccessOptions access, WorkbenchOptions workbench)
    {
        if (access.WorkerSecret is { Length: > 0 } configured)
        {
            return configured;
        }

        var path = Path.Combine(workbench.DataDirectory, "security", "worker.secret");
        if (SecretFile.Read(path) is { Length: >= 16 } stored)
        {
            return stored;
        }

        var generated = SecretText.NewToken();
        SecretFile.Write(path, generated);
        return generated;
    }
}
