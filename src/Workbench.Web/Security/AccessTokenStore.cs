using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;

namespace Workbench.Web.Security;

/// <summary>
/// The owner's and guests' sign-in tokens, stored only as hashes in <c>&lt;data&gt;/security/access.json</c>.
/// A token is shown once, when it is made. Every session remembers which token made it, so deleting or
/// replacing a token ends its sessions (see <see cref="AccessSession"/>). Read on every request, so the
/// parsed file is cached until it changes on disk.
/// </summary>
public sealed class AccessTokenStore(IOptions<WorkbenchOptions> options, TimeProvider time)
{
    /// <summary>Name of the owner token made at start-up while nobody has signed in yet.</summary>
    public const string FirstStartName = "first start";

    private readonly Lock _gate = new();
    // One reference, swapped whole, so a request never reads half of an update.
    private volatile CachedFile? _cache;

    private string FilePath => Path.Combine(options.Value.DataDirectory, "security", "access.json");

    /// <summary>Every token, oldest first.</summary>
    public IReadOnlyList<AccessToken> List() => [.. Load().Tokens.Select(t => t.ToToken())];

    /// <summary>Makes a token for <paramref name="role"/>; its secret is in the result and nowhere else.</summary>
    public CreatedAccessToken Create(string role, string name)
    {
        lock (_gate)
        {
            var file = Load();
            var created = NewEntry(role, name);
            Save(file with { Tokens = [.. file.Tokens, created.Entry] });
            return new CreatedAccessToken(created.Entry.ToToken(), created.Secret);
        }
    }

    /// <summary>Deletes a token, ending its sessions; false when there is none with this id.</summary>
    /// <exception cref="LastOwnerTokenException">It is the only owner token.</exception>
    public bool Delete(string id)
    {
        lock (_gate)
        {
            var file = Load();
            if (file.Tokens.FirstOrDefault(t => t.Id == id) is not { } doomed)
            {
                return false;
            }

            if (doomed.Role == AccessRoles.Owner && file.Tokens.Count(t => t.Role == AccessRoles.Owner) == 1)
            {
                throw new LastOwnerTokenException();
            }

            Save(file with { Tokens = [.. file.Tokens.Where(t => t.Id != id)] });
            return true;
        }
    }

    /// <summary>Replaces every token of <paramref name="role"/> by one new one (ending their sessions) and returns it.</summary>
    public string Rotate(string role)
    {
        lock (_gate)
        {
            var file = Load();
            var created = NewEntry(role, role);
            Save(file with { Tokens = [.. file.Tokens.Where(t => t.Role != role), created.Entry] });
            return created.Secret;
        }
    }

    /// <summary>
    /// Until the first sign-in succeeds (or while there is no owner token), replaces the start-up owner
    /// token by a new one and returns it to print; null once someone has signed in.
    /// </summary>
    public string? RenewFirstStartToken()
    {
        lock (_gate)
        {
            var file = Load();
            var hasOwner = file.Tokens.Any(t => t.Role == AccessRoles.Owner);
            if (file.SignedInOnce && hasOwner)
            {
                return null;
            }

            var created = NewEntry(AccessRoles.Owner, FirstStartName);
            Save(file with { Tokens = [.. file.Tokens.Where(t => t.Name != FirstStartName || t.Role != AccessRoles.Owner), created.Entry] });
            return created.Secret;
        }
    }

    /// <summary>The token <paramref name="secret"/> is, or null for a wrong one. Records that a sign-in succeeded.</summary>
    public AccessTokenMatch? SignIn(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        // Every hash is compared, in constant time, so timing tells nothing about which one matched.
        var hash = SecretText.Hash(secret);
        AccessTokenEntry? match = null;
        foreach (var entry in Load().Tokens)
        {
            if (SecretText.EqualsSecret(hash, entry.Hash))
            {
                match = entry;
            }
        }

        if (match is null)
        {
            return null;
        }

        RecordSignIn();
        return new AccessTokenMatch(match.ToToken(), Stamp(match.Hash));
    }

    /// <summary>Whether a session made by token <paramref name="id"/> with <paramref name="stamp"/> and <paramref name="role"/> is still valid.</summary>
    public bool IsCurrent(string? id, string? stamp, string? role) =>
        id is not null && stamp is not null
        && Load().Tokens.FirstOrDefault(t => t.Id == id) is { } entry
        && entry.Role == role
        && SecretText.EqualsSecret(stamp, Stamp(entry.Hash));

    private void RecordSignIn()
    {
        if (Load().SignedInOnce)
        {
            return;
        }

        lock (_gate)
        {
            Save(Load() with { SignedInOnce = true });
        }
    }

    private (AccessTokenEntry Entry, string Secret) NewEntry(string role, string name)
    {
        if (role is not (AccessRoles.Owner or AccessRoles.Guest))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, $"A token signs in as '{AccessRoles.Owner}' or '{AccessRoles.Guest}'.");
        }

        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("Give the token a name of 1 to 100 characters, e.g. the device or person it is for.", nameof(name));
        }

        var secret = SecretText.NewToken();
        return (new AccessTokenEntry(Guid.NewGuid().ToString("N"), role, name, SecretText.Hash(secret), time.GetUtcNow()), secret);
    }

    // Not the hash itself: a cookie should not carry what the file stores.
    private static string Stamp(string hash) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("workbench-session-stamp:" + hash)))[..32];

    private AccessTokenFile Load()
    {
        var writtenAt = File.Exists(FilePath) ? File.GetLastWriteTimeUtc(FilePath) : DateTime.MinValue;
        if (_cache is { } cached && cached.WrittenAt == writtenAt)
        {
            return cached.File;
        }

        var file = AccessTokenFile.Parse(SecretFile.Read(FilePath), time.GetUtcNow());
        _cache = new CachedFile(writtenAt, file);
        return file;
    }

    private void Save(AccessTokenFile file)
    {
        SecretFile.Write(FilePath, JsonSerializer.Serialize(file));
        _cache = new CachedFile(File.GetLastWriteTimeUtc(FilePath), file);
    }

    private sealed record CachedFile(DateTime WrittenAt, AccessTokenFile File);
}
