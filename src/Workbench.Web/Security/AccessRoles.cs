namespace Workbench.Web.Security;

/// <summary>
/// The roles of the household: the owner loads and unloads models and changes roots and settings;
/// a guest chats with the loaded model and watches telemetry. Workers are machines, not people.
/// </summary>
public static class AccessRoles
{
    /// <summary>Full control.</summary>
    public const string Owner = "owner";

    /// <summary>Chat and view.</summary>
    public const string Guest = "guest";

    /// <summary>A worker process connected to the hub.</summary>
    public const string Worker = "worker";
}

/// <summary>Names of the authentication schemes.</summary>
public static class AccessSchemes
{
    /// <summary>Picks the cookie when the browser has one, else the loopback rule.</summary>
    public const string Default = "Workbench";

    /// <summary>The sign-in cookie.</summary>
    public const string Cookie = "WorkbenchCookie";

    /// <summary>Requests from this machine, when allowed.</summary>
    public const string Loopback = "WorkbenchLoopback";

    /// <summary>Workers presenting the shared secret.</summary>
    public const string WorkerSecret = "WorkbenchWorkerSecret";

    /// <summary>Name of the sign-in cookie.</summary>
    public const string CookieName = "workbench.auth";

    /// <summary>HTTP header a worker sends its secret in.</summary>
    public const string WorkerSecretHeader = Workbench.Core.Protocol.WorkerHubMethods.SecretHeader;
}
