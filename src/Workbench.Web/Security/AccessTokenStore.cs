using System.Text.Json;
using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Security;

/// <summary>
/// The owner's and the guest's sign-in tokens, stored only as hashes in <c>&lt;data&gt;/security/access.json</c>.
/// A token is shown once, when it is made; losing it means rotating it (on this machine, or by deleting the file).
/// </summary>
public sealed class AccessTokenStore(IOptions<WorkbenchOptions> options)
{
    private readonly Lock _gate = new();

    private string FilePath => Path.Combine(options.Value.DataDirectory, "security", "access.json");

    /// <summary>Makes the owner token on first run; returns it then (to print), null when one exists.</summary>
    public string? EnsureOwnerToken()
    {
        lock (_gate)
        {
            return Load().Owner is null ? RotateLocked(AccessRoles.Owner) : null;
        }
    }

    /// <summary>Whether a guest token exists.</summary>
    public bool HasGuestToken => Load().Guest is not null;

    /// <summary>The role a token signs in as, or null for a wrong token.</summary>
    public string? RoleOf(string? token)
    {
        var hashes = Load();
        // Both compared every time, in constant time, so timing tells nothing about which one matched.
        var owner = SecretText.MatchesHash(token, hashes.Owner);
        var guest = SecretText.MatchesHash(token, hashes.Guest);
        return owner ? AccessRoles.Owner : guest ? AccessRoles.Guest : null;
    }

    /// <summary>Replaces the token of a role and returns the new one (shown once).</summary>
    public string Rotate(string role)
    {
        lock (_gate)
        {
            return RotateLocked(role);
        }
    }

    /// <summary>Removes the guest token, signing no guest in from now on.</summary>
    public void RevokeGuest()
    {
        lock (_gate)
        {
            Save(Load() with { Guest = null });
        }
    }

    private string RotateLocked(string role)
    {
        var token = SecretText.NewToken();
        var hashes = Load();
        Save(role switch
        {
            AccessRoles.Owner => hashes with { Owner = SecretText.Hash(token) },
            AccessRoles.Guest => hashes with { Guest = SecretText.Hash(token) },
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Only the owner and guest roles have tokens."),
        });
        return token;
    }

    private TokenHashes Load()
    {
        try
        {
            return SecretFile.Read(FilePath) is { Length: > 0 } json
                ? JsonSerializer.Deserialize<TokenHashes>(json) ?? new TokenHashes(null, null)
                : new TokenHashes(null, null);
        }
        catch (JsonException)
        {
            // A damaged file signs nobody in; the owner rotates from this machine or deletes the file.
            return new TokenHashes(null, null);
        }
    }

    private void Save(TokenHashes hashes) => SecretFile.Write(FilePath, JsonSerializer.Serialize(hashes));

    private sealed record TokenHashes(string? Owner, string? Guest);
}
