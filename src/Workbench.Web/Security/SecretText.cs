using System.Security.Cryptography;
using System.Text;

namespace Workbench.Web.Security;

/// <summary>Random tokens and their hashes. Tokens are 256-bit random, so a plain SHA-256 is a safe hash to store.</summary>
public static class SecretText
{
    /// <summary>A new URL-safe random token.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of a token.</summary>
    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares in constant time so the comparison leaks nothing about the secret.</summary>
    public static bool EqualsSecret(string? candidate, string secret) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="hash"/>, in constant time.</summary>
    public static bool MatchesHash(string? token, string? hash) =>
        token is { Length: > 0 } && hash is { Length: > 0 } && EqualsSecret(Hash(token), hash);
}
