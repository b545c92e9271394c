using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Identity;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>Two Pms.Grpc replicas on one database, each with its own session cache and clock.</summary>
public sealed class TwoReplicas : IAsyncLifetime
{
    public PmsFactory A { get; } = new();

    public PmsFactory B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await A.InitializeAsync();
        B = new Replica(A);
        await B.InitializeAsync();
        await Listener(A).Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await Listener(B).Listening.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static SessionChangeListener Listener(PmsFactory replica) => replica.Services.GetRequiredService<SessionChangeListener>();

    public static SessionRegistry Registry(PmsFactory replica) => replica.Services.GetRequiredService<SessionRegistry>();

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    private sealed class Replica(PmsFactory primary) : PmsFactory
    {
        protected override string? ExistingDatabase => primary.ConnectionString;
    }
}

/// <summary>
/// Issue 10, item 4: sign-out, password change and deactivation refuse the old access token on every replica
/// within 5 s, open watches end then and at token expiry, and a session ends 12 h after sign-in however it is refreshed.
/// </summary>
public sealed class SessionRevocationTests(TwoReplicas replicas) : IClassFixture<TwoReplicas>
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(5);

    private PmsFactory A => replicas.A;
    private PmsFactory B => replicas.B;

    [Fact]
    public async Task SignOutOnOneReplicaRefusesTheAccessTokenOnTheOtherWithinFiveSecondsAndEndsItsWatch()
    {
        var login = await A.LoginAsAdminAsync();
        var auth = PmsFactory.Bearer(login.AccessToken);
        // B has checked the session once and cached the answer: only the notification can change its mind.
        await Terms(B, auth);
        await Terms(B, auth);
        Assert.True(TwoReplicas.Registry(B).Listening);
        using var watch = new FtmChipService.FtmChipServiceClient(B.Channel).WatchFtmChips(new WatchFtmChipsRequest(), auth);
        await watch.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(15));

        var clock = Stopwatch.StartNew();
        await A.Partners.LogoutAsync(new LogoutRequest { RefreshToken = login.RefreshToken });

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () => Terms(A, auth));
        await RefusedWithinPromiseAsync(B, auth, clock);
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext().WaitAsync(Promise));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("SESSION_REVOKED", ended.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.True(clock.Elapsed <= Promise + TimeSpan.FromSeconds(1), $"the watch ended after {clock.Elapsed}");
    }

    [Fact]
    public async Task DeactivationOnOneReplicaRefusesThePartnersTokenOnTheOtherWithinFiveSeconds()
    {
        var partner = await A.SignInNewPartnerAsync();
        await B.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);

        var clock = Stopwatch.StartNew();
        await A.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = partner.Partner.PartnerId, Comment = "test" },
            await A.AdminAuthAsync());

        await RefusedWithinPromiseAsync(B, partner.Auth, clock);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () => Terms(A, partner.Auth));
        // The sign-in attempt of the deactivated account is on the record.
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_DEACTIVATED", () => A.LoginAsync(partner.Registration.Username, partner.Password));
        var audit = await new AuditService.AuditServiceClient(A.Channel).ListAuditEventsAsync(
            new ListAuditEventsRequest { Action = "LOGIN_REFUSED_DEACTIVATED" }, await A.AdminAuthAsync());
        Assert.Contains(audit.AuditEvents, e => e.ActorUsername == partner.Registration.Username);
    }

    [Fact]
    public async Task APasswordChangeRefusesEveryEarlierAccessTokenOfTheAccount()
    {
        var partner = await A.SignInNewPartnerAsync();
        var other = PmsFactory.Bearer((await B.LoginAsync(partner.Registration.Username, partner.Password)).AccessToken);
        await Terms(B, other);

        var clock = Stopwatch.StartNew();
        await A.Partners.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = partner.Password, NewPassword = "Changed-Password-2" }, partner.Auth);

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () => Terms(A, partner.Auth));
        await RefusedWithinPromiseAsync(B, other, clock);
    }

    [Fact]
    public async Task AWatchEndsWhenItsAccessTokenExpires()
    {
        var auth = PmsFactory.Bearer((await A.LoginAsAdminAsync()).AccessToken);
        using var watch = new FtmChipService.FtmChipServiceClient(A.Channel).WatchFtmChips(new WatchFtmChipsRequest(), auth);
        await watch.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(15));

        Advance(TimeSpan.FromMinutes(16));

        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext().WaitAsync(Promise));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("TOKEN_EXPIRED", ended.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task ASessionEndsTwelveHoursAfterSignInHoweverOftenItIsRefreshed()
    {
        var signedInAt = A.Time.GetUtcNow();
        var login = await A.LoginAsAdminAsync();
        var end = signedInAt + TimeSpan.FromHours(12);
        Assert.True(login.RefreshTokenExpiresAt.ToDateTimeOffset() <= end + TimeSpan.FromSeconds(1));

        // Refresh every 10 minutes, as the portal does, up to the end.
        var (accessToken, refreshToken) = (login.AccessToken, login.RefreshToken);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.8); elapsed += TimeSpan.FromMinutes(10))
        {
            Advance(TimeSpan.FromMinutes(10));
            var refreshed = await A.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = refreshToken });
            (accessToken, refreshToken) = (refreshed.AccessToken, refreshed.RefreshToken);
            Assert.True(refreshed.ExpiresAt.ToDateTimeOffset() <= end + TimeSpan.FromSeconds(1), "an access token outlives the session");
            Assert.True(refreshed.RefreshTokenExpiresAt.ToDateTimeOffset() <= end + TimeSpan.FromSeconds(1), "a refresh token outlives the session");
        }
        await Terms(A, PmsFactory.Bearer(accessToken));

        Advance(TimeSpan.FromMinutes(21));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            A.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = refreshToken }).ResponseAsync);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Terms(A, PmsFactory.Bearer(accessToken)));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    // Both replicas' clocks move together, as real replicas' clocks do.
    private void Advance(TimeSpan by)
    {
        A.Time.Advance(by);
        B.Time.Advance(by);
    }

    private static Task Terms(PmsFactory replica, Metadata auth) =>
        replica.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), auth).ResponseAsync;

    // Polls the replica until it refuses the token, and fails if that takes longer than promised.
    private static async Task RefusedWithinPromiseAsync(PmsFactory replica, Metadata auth, Stopwatch clock)
    {
        while (true)
        {
            try
            {
                await Terms(replica, auth);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                Assert.Equal("SESSION_REVOKED", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
                Assert.True(clock.Elapsed <= Promise, $"refused only after {clock.Elapsed}");
                return;
            }
            Assert.True(clock.Elapsed <= Promise, $"still accepted after {clock.Elapsed}");
            await Task.Delay(50);
        }
    }
}
