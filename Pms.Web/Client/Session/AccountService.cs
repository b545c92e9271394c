using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mosip.Pms.Portal.V1;

namespace Pms.Web.Client.Session;

/// <summary>
/// Opens, renews and closes the session through Pms.Web's PortalSessionService (which keeps the refresh token in an
/// HttpOnly cookie); <see cref="AuthSession"/> holds the rest.
/// </summary>
public sealed class AccountService(PortalSessionService.PortalSessionServiceClient portal, AuthSession session, ILogger<AccountService> logger)
{
    /// <summary>Signs in; a failed attempt throws the <see cref="RpcException"/> for the page to show.</summary>
    public async Task SignInAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        // A previous user's tokens must not ride along, nor survive a failed attempt.
        await session.ClearAsync();

        var response = await portal.SignInAsync(
            new SignInRequest { Username = username, Password = password },
            cancellationToken: cancellationToken);

        await session.SetAsync(ToState(response, username));
    }

    /// <summary>
    /// Exchanges the cookie's refresh token for a new session. Returns false when the server refused it
    /// (the session is then closed); throws when the server could not be asked, so the caller can retry.
    /// </summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
    {
        if (session.Current is not { } current)
        {
            return false;
        }

        try
        {
            var response = await portal.RenewAsync(
                new RenewRequest(),
                    cancellationToken: cancellationToken);

            // The cookie is the browser's, shared by its tabs: a tab whose user signed in elsewhere in the meantime
            // must not become that user.
            if (response.UserId != current.UserId)
            {
                logger.LogInformation("Another user signed in in this browser; closing this tab's session.");
                await session.ClearAsync();
                return false;
            }
            await session.SetAsync(ToState(response, current.Username));
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.FailedPrecondition or StatusCode.InvalidArgument)
        {
            logger.LogInformation("The session could not be renewed ({Status}); signing out.", ex.StatusCode);
            await session.ClearAsync();
            return false;
        }
    }

    /// <summary>
    /// Forgets the session here first, then revokes its refresh token on the server when it can. In that
    /// order, a tab closed or navigated away while Logout is in flight is already signed out: at worst the
    /// refresh token, which nothing here holds any more, lives on the server until it expires.
    /// </summary>
    public async Task SignOutAsync()
    {
        if (session.Current is null)
        {
            return;
        }

        await session.ClearAsync();

        try
        {
            // The refresh cookie is the proof (HttpOnly, sent by the browser), so no access token is needed after the clear.
            // A shorter wait than other calls: the user has left already.
            await portal.SignOutAsync(new SignOutRequest(), deadline: DateTime.UtcNow + TimeSpan.FromSeconds(10));
        }
        catch (RpcException ex)
        {
            // Signing out must work offline too; the refresh token then simply expires on the server.
            logger.LogWarning("Logout could not reach the server ({Status}).", ex.StatusCode);
        }
    }

    private static SessionState ToState(PortalSession r, string knownUsername) => new(
        Username: r.Username is { Length: > 0 } name ? name : knownUsername,
        UserId: r.UserId,
        PartnerId: r.PartnerId,
        Roles: [.. r.Roles],
        AccessToken: r.AccessToken,
        ExpiresAt: r.ExpiresAt.ToDateTimeOffset(),
        RefreshTokenExpiresAt: r.RefreshTokenExpiresAt?.ToDateTimeOffset() ?? r.ExpiresAt.ToDateTimeOffset(),
        ConsentRequired: r.ConsentRequired);
}
