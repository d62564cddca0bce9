namespace Workbench.Web.Api.Compat;

/// <summary>An API key as the settings page lists it; the key itself is never stored, only its hash.</summary>
/// <param name="Id">Row id, used to revoke it.</param>
/// <param name="Name">What the owner called it ("laptop", "home assistant").</param>
/// <param name="Prefix">The first characters of the key, so the owner can tell keys apart.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while it is valid.</param>
public sealed record ApiKey(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether requests with this key are accepted.</summary>
    public bool IsActive => RevokedAt is null;
}

/// <summary>A key just created: the only time its secret is known, to be shown once.</summary>
/// <param name="Key">The stored key.</param>
/// <param name="Secret">The full key to send as <c>Authorization: Bearer</c>.</param>
public sealed record CreatedApiKey(ApiKey Key, string Secret);
