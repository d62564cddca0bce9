using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Workbench.Web.Api.Compat;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>API keys in the real SQLite database.</summary>
public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-keys-");
    private readonly WorkbenchDatabase _database;
    private readonly ApiKeyStore _keys;

    public ApiKeyStoreTests()
    {
        _database = new WorkbenchDatabase(Options.Create(new WorkbenchOptions { DataDirectory = _data.FullName }));
        _keys = new ApiKeyStore(_database, TimeProvider.System);
    }

    [Fact]
    public async Task Only_the_SHA_256_of_a_key_is_stored()
    {
        var created = await _keys.CreateAsync("laptop");

        await using var connection = await _database.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT * FROM api_keys;";
        await using var row = await select.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        var columns = Enumerable.Range(0, row.FieldCount).ToDictionary(row.GetName, i => row.IsDBNull(i) ? null : row.GetString(i));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret))), columns["key_hash"]);
        Assert.All(columns.Values, value => Assert.NotEqual(created.Secret, value));
    }

    [Fact]
    public async Task A_key_is_valid_until_revoked()
    {
        var created = await _keys.CreateAsync("phone");
        Assert.True(await _keys.IsValidAsync(created.Secret));

        Assert.True(await _keys.RevokeAsync(created.Key.Id));

        Assert.False(await _keys.IsValidAsync(created.Secret));
        Assert.False((await _keys.ListAsync()).Single().IsActive);
    }

    [Fact]
    public async Task Keys_are_long_random_and_different()
    {
        var a = await _keys.CreateAsync("a");
        var b = await _keys.CreateAsync("b");

        Assert.NotEqual(a.Secret, b.Secret);
        Assert.True(a.Secret.Length >= 40, a.Secret);
        Assert.StartsWith(a.Key.Prefix, a.Secret, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
