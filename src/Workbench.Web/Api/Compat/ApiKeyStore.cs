using System.Buffers.Text;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Workbench.Web.Data;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// API keys in SQLite, stored as SHA-256 hashes: a key is 32 random bytes, so a fast unsalted hash is enough
/// (there is nothing to guess), and a leaked database gives no usable key. Valid hashes are cached in memory.
/// </summary>
public sealed class ApiKeyStore(WorkbenchDatabase database, TimeProvider time)
{
    private const string KeyPrefix = "wb_";
    private const int PrefixShown = 10;
    private volatile FrozenSet<string>? _activeHashes;
    private int _generation;

    /// <summary>Creates a key; its secret is in the result and nowhere else.</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("Give the key a name of 1 to 100 characters, e.g. the device that will use it.", nameof(name));
        }

        var secret = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(Guid.NewGuid().ToString("N"), name, secret[..PrefixShown], time.GetUtcNow(), null);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO api_keys (id, name, prefix, key_hash, created_at) VALUES ($id, $name, $prefix, $hash, $created);";
        insert.Parameters.AddWithValue("$id", key.Id);
        insert.Parameters.AddWithValue("$name", key.Name);
        insert.Parameters.AddWithValue("$prefix", key.Prefix);
        insert.Parameters.AddWithValue("$hash", Hash(secret));
        insert.Parameters.AddWithValue("$created", key.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        Invalidate();
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Every key, revoked ones too, newest first.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY created_at DESC;";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKey(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        }

        return keys;
    }

    /// <summary>Revokes a key; requests with it are refused from now on. False if no valid key has this id.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL;";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        var changed = await update.ExecuteNonQueryAsync(cancellationToken) > 0;
        Invalidate();
        return changed;
    }

    /// <summary>Whether <paramref name="secret"/> is a key that exists and is not revoked.</summary>
    public async ValueTask<bool> IsValidAsync(string secret, CancellationToken cancellationToken = default)
    {
        var active = _activeHashes ?? await LoadActiveHashesAsync(cancellationToken);
        return active.Contains(Hash(secret));
    }

    private void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _activeHashes = null;
    }

    private async Task<FrozenSet<string>> LoadActiveHashesAsync(CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT key_hash FROM api_keys WHERE revoked_at IS NULL;";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var hashes = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add(reader.GetString(0));
        }

        var active = hashes.ToFrozenSet(StringComparer.Ordinal);
        if (Volatile.Read(ref _generation) == generation)
        {
            // Cached only if no key was created or revoked while reading, so a revoke is never undone.
            _activeHashes = active;
        }

        return active;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
