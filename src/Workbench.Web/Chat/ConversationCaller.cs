using System.Security.Claims;
using Workbench.Web.Security;

namespace Workbench.Web.Chat;

/// <summary>
/// Who asks for conversations: each one belongs to the principal that created it (a token's id, or the
/// owner at this machine). The owner sees every conversation; anyone else only their own.
/// </summary>
/// <param name="Id">Stored as the owner of the conversations this caller creates.</param>
/// <param name="SeesAll">Whether the caller may read and change other people's conversations.</param>
public sealed record ConversationCaller(string Id, bool SeesAll)
{
    /// <summary>The owner at this machine (also the owner of conversations saved before they had owners).</summary>
    public static ConversationCaller LocalOwner { get; } = new(AccessSession.LocalOwnerId, true);

    /// <summary>A caller who owns nothing: what a chat session is until its page says who uses it.</summary>
    public static ConversationCaller Anonymous { get; } = new("anonymous", false);

    /// <summary>The caller a signed-in (or loopback) user is.</summary>
    public static ConversationCaller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true
            ? new ConversationCaller(AccessSession.CallerId(user), user.IsInRole(AccessRoles.Owner))
            : Anonymous;
    }
}
