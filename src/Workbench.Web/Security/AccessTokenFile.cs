using System.Text.Json;

namespace Workbench.Web.Security;

/// <summary>The contents of <c>access.json</c>: token hashes and whether anyone has signed in yet.</summary>
internal sealed record AccessTokenFile(IReadOnlyList<AccessTokenEntry> Tokens, bool SignedInOnce)
{
    /// <summary>
    /// Reads the file; the first format (one <c>Owner</c> and one <c>Guest</c> hash) becomes two tokens.
    /// A damaged file signs nobody in; the owner rotates from this machine or deletes the file.
    /// </summary>
    public static AccessTokenFile Parse(string? json, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new AccessTokenFile([], false);
        }

        try
        {
            var stored = JsonSerializer.Deserialize<StoredForm>(json);
            if (stored?.Tokens is { } tokens)
            {
                return new AccessTokenFile(tokens, stored.SignedInOnce);
            }

            // The old format kept no record of sign-ins; someone who upgrades has used it.
            List<AccessTokenEntry> migrated = [];
            if (stored?.Owner is { Length: > 0 } owner)
            {
                migrated.Add(new AccessTokenEntry("owner", AccessRoles.Owner, AccessRoles.Owner, owner, now));
            }

            if (stored?.Guest is { Length: > 0 } guest)
            {
                migrated.Add(new AccessTokenEntry("guest", AccessRoles.Guest, AccessRoles.Guest, guest, now));
            }

            return new AccessTokenFile(migrated, true);
        }
        catch (JsonException)
        {
            return new AccessTokenFile([], true);
        }
    }

    private sealed record StoredForm(List<AccessTokenEntry>? Tokens, bool SignedInOnce, string? Owner, string? Guest);
}

/// <summary>One stored token: its hash and what it signs in as.</summary>
internal sealed record AccessTokenEntry(string Id, string Role, string Name, string Hash, DateTimeOffset CreatedAt)
{
    public AccessToken ToToken() => new(Id, Role, Name, CreatedAt);
}
