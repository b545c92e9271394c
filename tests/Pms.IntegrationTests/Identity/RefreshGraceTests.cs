using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>
/// Two portal tabs share one refresh cookie (<c>__Host-pms-refresh</c>), so both may renew with the same refresh token
/// at the same moment. That must not look like token theft and end the session (docs/security.md, "Sessions").
/// </summary>
public sealed class RefreshGraceTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private AuditService.AuditServiceClient Audit => new(pms.Channel);

    [Fact]
    public async Task TabsRenewingWithOneTokenAtOnceAllGetTheSameSuccessorAndTheSessionLives()
    {
        var login = await SignInAsync();

        // Before: one renewal won, the others were taken for reuse of a rotated token and revoked the whole session.
        var renewals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Outcome(pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken }).ResponseAsync)));

        var answers = string.Join("\n", renewals.Select(r => r.Error ?? "renewed"));
        Assert.True(renewals.All(r => r.Response is not null), $"every tab must renew:\n{answers}");
        Assert.Single(renewals.Select(r => r.Response!.RefreshToken).Distinct());
        foreach (var renewal in renewals)
        {
            await Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(renewal.Response!.AccessToken));
        }
        // The shared successor renews on, once, like any refresh token.
        var next = await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = renewals[0].Response!.RefreshToken });
        await Audit.ListAuditEventsAsync(new ListAuditEventsRequest(), PmsFactory.Bearer(next.AccessToken));
        Assert.Equal(0, await ReuseEventsAsync(login.UserId));
    }

    [Fact]
    public async Task ARotatedTokenPresentedAfterTheGraceWindowStillRevokesTheSession()
    {
        var login = await SignInAsync();
        var renewed = await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken });

        pms.Time.Advance(TimeSpan.FromSeconds(31));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken }).ResponseAsync);

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = renewed.RefreshToken }).ResponseAsync);
        Assert.Equal(1, await ReuseEventsAsync(login.UserId));
    }

    [Fact]
    public async Task WithinTheGraceWindowAnOldTokenWhoseSuccessorWasAlreadyUsedRevokesTheSession()
    {
        var login = await SignInAsync();
        var second = await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken });
        var third = await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = second.RefreshToken });

        // The grace only repeats an unused successor: a token two rotations old is reuse, even seconds later.
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = login.RefreshToken }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = third.RefreshToken }).ResponseAsync);
    }

    // A user of each test's own, so that one test's reuse events are not another's.
    private async Task<LoginResponse> SignInAsync()
    {
        var username = await pms.CreateUserAsync(Password, Pms.Grpc.Identity.Roles.PartnerAdmin);
        return await pms.LoginAsync(username, Password);
    }

    private const string Password = "Admin-Password-Of-Its-Own-1";

    private async Task<int> ReuseEventsAsync(string userId)
    {
        await using var scope = pms.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var id = Guid.Parse(userId);
        return await db.AuditEvents.CountAsync(e => e.Action == "REFRESH_TOKEN_REUSED" && e.ActorId == id);
    }

    private static async Task<(RefreshSessionResponse? Response, string? Error)> Outcome(Task<RefreshSessionResponse> call)
    {
        try
        {
            return (await call, null);
        }
        catch (RpcException ex)
        {
            return (null, ex.Status.ToString());
        }
    }
}
