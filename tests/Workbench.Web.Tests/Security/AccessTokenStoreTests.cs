using Microsoft.Extensions.Options;
using Workbench.Web.Hosting;
using Workbench.Web.Security;

namespace Workbench.Web.Tests.Security;

/// <summary>The token file in a real data folder: first-start links, binding stamps and the old format.</summary>
public sealed class AccessTokenStoreTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-tokens-");

    [Fact]
    public void Until_someone_signs_in_every_start_makes_a_new_owner_link_and_the_previous_one_stops_working()
    {
        var firstStart = Store().RenewFirstStartToken();
        var secondStart = Store().RenewFirstStartToken();

        Assert.NotNull(firstStart);
        Assert.NotNull(secondStart);
        Assert.Null(Store().SignIn(firstStart));
        Assert.Equal(AccessRoles.Owner, Store().SignIn(secondStart)?.Token.Role);
        Assert.Null(Store().RenewFirstStartToken());
        Assert.Single(Store().List(), t => t.Role == AccessRoles.Owner);
    }

    [Fact]
    public void Replacing_a_token_changes_the_stamp_its_sessions_carry()
    {
        var store = Store();
        var match = store.SignIn(store.Rotate(AccessRoles.Guest))!;
        Assert.True(store.IsCurrent(match.Token.Id, match.Stamp, AccessRoles.Guest));
        Assert.False(store.IsCurrent(match.Token.Id, match.Stamp, AccessRoles.Owner));

        store.Rotate(AccessRoles.Guest);

        Assert.False(store.IsCurrent(match.Token.Id, match.Stamp, AccessRoles.Guest));
    }

    [Fact]
    public void The_last_owner_token_cannot_be_deleted()
    {
        var store = Store();
        store.Rotate(AccessRoles.Owner);

        Assert.Throws<LastOwnerTokenException>(() => store.Delete(store.List().Single().Id));
    }

    [Fact]
    public void The_first_format_of_access_json_is_read_as_an_owner_and_a_guest_token()
    {
        Directory.CreateDirectory(Path.Combine(_data.FullName, "security"));
        File.WriteAllText(
            Path.Combine(_data.FullName, "security", "access.json"),
            $$"""{"Owner":"{{SecretText.Hash("old-owner")}}","Guest":"{{SecretText.Hash("old-guest")}}"}""");

        var store = Store();

        Assert.Equal([AccessRoles.Owner, AccessRoles.Guest], store.List().Select(t => t.Role));
        Assert.Equal(AccessRoles.Owner, store.SignIn("old-owner")?.Token.Role);
        Assert.Equal(AccessRoles.Guest, store.SignIn("old-guest")?.Token.Role);
        // Someone who upgrades has signed in before: no new first-start link.
        Assert.Null(store.RenewFirstStartToken());
    }

    private AccessTokenStore Store() =>
        new(Options.Create(new WorkbenchOptions { DataDirectory = _data.FullName }), TimeProvider.System);

    public void Dispose() => _data.Delete(recursive: true);
}
