namespace Workbench.Web.Security;

/// <summary>A sign-in token as the owner sees it listed; the token itself is never stored, only its hash.</summary>
/// <param name="Id">Stable id, used to delete it and carried in the cookies it signed in.</param>
/// <param name="Role">The role it signs in as: <see cref="AccessRoles.Owner"/> or <see cref="AccessRoles.Guest"/>.</param>
/// <param name="Name">What the owner called it ("phone", "kitchen tablet").</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record AccessToken(string Id, string Role, string Name, DateTimeOffset CreatedAt);

/// <summary>A token just made: the only time its secret is known, to be shown once.</summary>
/// <param name="Token">The stored token.</param>
/// <param name="Secret">The token to type in or put in a sign-in link.</param>
public sealed record CreatedAccessToken(AccessToken Token, string Secret);

/// <summary>What a successful sign-in binds the session to.</summary>
/// <param name="Token">The token that signed in.</param>
/// <param name="Stamp">Derived from the token's hash: it changes when the token is replaced, ending its sessions.</param>
public sealed record AccessTokenMatch(AccessToken Token, string Stamp);

/// <summary>Deleting this token would leave no owner token to sign in with from another device.</summary>
public sealed class LastOwnerTokenException()
    : InvalidOperationException("This is the last owner token: make a new owner token before deleting it, or no one could sign in as the owner from another device.");
