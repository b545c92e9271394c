using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mosip.Pms.V1;

namespace Pms.Web.Client.Session;

/// <summary>Opens, renews and closes the session through PartnerService; <see cref="AuthSession"/> holds it.</summary>
public sealed class AccountService(PartnerService.PartnerServiceClient partners, AuthSession session, ILogger<AccountService> logger)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Signs in; a failed attempt throws the <see cref="RpcException"/> for the page to show.</summary>
    public async Task SignInAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        // A previous user's tokens must not ride along, nor survive a failed attempt.
        await session.ClearAsync();

        var response = await partners.LoginAsync(
            new LoginRequest { Username = username, Password = password },
            deadline: DateTime.UtcNow + CallTimeout,
            cancellationToken: cancellationToken);

        await session.SetAsync(ToState(response, username));
    }

    /// <summary>
    /// Exchanges the refresh token for a new session. Returns false when the server refused it
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
            var response = await partners.RefreshSessionAsync(
                new RefreshSessionRequest { RefreshToken = current.RefreshToken },
                deadline: DateTime.UtcNow + CallTimeout,
                cancellationToken: cancellationToken);

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
        if (session.Current is not { } current)
        {
            return;
        }

        await session.ClearAsync();

        try
        {
            // Logout is anonymous: the refresh token is the proof, so no access token is needed after the clear.
            await partners.LogoutAsync(
                new LogoutRequest { RefreshToken = current.RefreshToken },
                deadline: DateTime.UtcNow + TimeSpan.FromSeconds(10));
        }
        catch (RpcException ex)
        {
            // Signing out must work offline too; the refresh token then simply expires on the server.
            logger.LogWarning("Logout could not reach the server ({Status}).", ex.StatusCode);
        }
    }

    private static SessionState ToState(LoginResponse r, string typedUsername) => new(
        Username: r.Username is { Length: > 0 } name ? name : typedUsername,
        UserId: r.UserId,
        PartnerId: r.PartnerId,
        Roles: [.. r.Roles],
        AccessToken: r.AccessToken,
        ExpiresAt: r.ExpiresAt.ToDateTimeOffset(),
        RefreshToken: r.RefreshToken,
        RefreshTokenExpiresAt: r.RefreshTokenExpiresAt?.ToDateTimeOffset() ?? r.ExpiresAt.ToDateTimeOffset(),
        ConsentRequired: r.ConsentRequired);

    private static SessionState ToState(RefreshSessionResponse r, string knownUsername) => new(
        Username: r.Username is { Length: > 0 } name ? name : knownUsername,
        UserId: r.UserId,
        PartnerId: r.PartnerId,
        Roles: [.. r.Roles],
        AccessToken: r.AccessToken,
        ExpiresAt: r.ExpiresAt.ToDateTimeOffset(),
        RefreshToken: r.RefreshToken,
        RefreshTokenExpiresAt: r.RefreshTokenExpiresAt?.ToDateTimeOffset() ?? r.ExpiresAt.ToDateTimeOffset(),
        ConsentRequired: r.ConsentRequired);
}
