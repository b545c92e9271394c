using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

public sealed class SignInTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private AuditService.AuditServiceClient Audit => new(pms.Channel);

    [Fact]
    public async Task AdminSignsInRefreshesAndSignsOut()
    {
        var login = await pms.LoginAsAdminAsync();
        Assert.Contains("PARTNER_ADMIN", login.Roles);
        Assert.Equal(PmsFactory.AdminUsername, login.Username);
        Assert.InRange(login.ExpiresAt.ToDateTimeOffset() - pms.Time.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));

        // The token works on an admin RPC.
        var page = await Audit.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "LOGIN" }, PmsFactory.Bearer(login.AccessToken));
        Assert.Contains(page.AuditEvents, e => e.ActorUsername == PmsFactory.AdminUsername);

        var refreshed = await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken });
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        Assert.Contains("PARTNER_ADMIN", refreshed.Roles);
        await Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(refreshed.AccessToken));

        // Rotation: the old refresh token is spent; presenting it again after the grace window (for two tabs renewing
        // at once, see RefreshGraceTests) revokes the whole session.
        pms.Time.Advance(TimeSpan.FromSeconds(31));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = refreshed.RefreshToken }).ResponseAsync);
    }

    [Fact]
    public async Task SignOutRevokesTheRefreshToken()
    {
        var login = await pms.LoginAsAdminAsync();
        await pms.Partners.LogoutAsync(new LogoutRequest { RefreshToken = login.RefreshToken });
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken }).ResponseAsync);
    }

    [Fact]
    public async Task UnknownUserAndWrongPasswordGetTheSameAnswer()
    {
        var unknown = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () =>
            pms.LoginAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever1"));
        var wrong = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () =>
            pms.LoginAsync(PmsFactory.AdminUsername.ToUpperInvariant(), "not-the-password-1"));
        Assert.Equal(unknown.ToString(), wrong.ToString());
    }

    [Fact]
    public async Task WrongPasswordsDoNotLockTheAccount()
    {
        // Before issue 10, five wrong passwords locked the account for 15 minutes: anyone could lock anyone out.
        var user = await CreateUserAsync(["PMS_SERVICE"], "Service-Password-1");
        for (var i = 0; i < 8; i++)
        {
            await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(user, "wrong-password-" + i));
        }

        var login = await pms.LoginAsync(user, "Service-Password-1");
        Assert.Contains("PMS_SERVICE", login.Roles);
    }

    [Fact]
    public async Task ATokenWithTheRightKeyButNoLiveSessionIsRefused()
    {
        // Signed with PMS's own key (as a leaked key or a token minted before its session was revoked would be), but no session backs it.
        var login = await pms.LoginAsAdminAsync();
        var orphan = Forge(login, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PmsFactory.JwtSigningKey)), pms.Time.GetUtcNow());
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(orphan)).ResponseAsync);
    }

    [Fact]
    public async Task NoTokenIsUnauthenticated()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest()).ResponseAsync);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRefused()
    {
        var login = await pms.LoginAsAdminAsync();
        var forged = Forge(login, new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-key-another-key-another-key-1234")), pms.Time.GetUtcNow());
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_TOKEN", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(forged)).ResponseAsync);
    }

    [Fact]
    public async Task AnUnsignedAlgNoneTokenIsRefused()
    {
        var login = await pms.LoginAsAdminAsync();
        var parts = login.AccessToken.Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var unsigned = $"{header}.{parts[1]}.";
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_TOKEN", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(unsigned)).ResponseAsync);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var login = await pms.LoginAsAdminAsync();
        var expired = Forge(login, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PmsFactory.JwtSigningKey)), pms.Time.GetUtcNow().AddMinutes(-20));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "TOKEN_EXPIRED", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(expired)).ResponseAsync);
    }

    [Fact]
    public async Task ATokenThatWorkedIsRefusedOnceItExpiresThoughItsCheckWasRemembered()
    {
        var login = await pms.LoginAsAdminAsync();
        var auth = PmsFactory.Bearer(login.AccessToken);
        // The first call validates the token and PMS remembers it (ValidatedTokenCache); the second is answered from that.
        await Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), auth);
        await Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), auth);

        pms.Time.Advance(login.ExpiresAt.ToDateTimeOffset() - pms.Time.GetUtcNow() + TimeSpan.FromSeconds(31)); // past exp and the 30 s clock skew

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "TOKEN_EXPIRED", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), auth).ResponseAsync);
    }

    [Fact]
    public async Task AWrongRoleIsPermissionDenied()
    {
        var user = await CreateUserAsync(["FTM_PROVIDER"], "Provider-Password-1");
        var login = await pms.LoginAsync(user, "Provider-Password-1");
        var info = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(login.AccessToken)).ResponseAsync);
        Assert.Equal("pms.mosip.io", info.Domain);
    }

    // Same claims as PMS would issue, but signed with the given key and issued at the given time.
    private static string Forge(LoginResponse login, SecurityKey key, DateTimeOffset issuedAt) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "pms.mosip.io",
            Audience = "pms",
            Subject = new ClaimsIdentity([new Claim("sub", login.UserId), new Claim("name", login.Username), new Claim("role", "PARTNER_ADMIN")]),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = issuedAt.AddMinutes(15).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

    private async Task<string> CreateUserAsync(List<string> roles, string password)
    {
        var username = "user-" + Guid.NewGuid().ToString("N")[..8];
        using var scope = pms.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            Username = username,
            NormalizedUsername = username.ToUpperInvariant(),
            PasswordHash = "",
            Roles = roles,
            CreatedAt = pms.Time.GetUtcNow(),
        };
        user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>().HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return username;
    }
}
