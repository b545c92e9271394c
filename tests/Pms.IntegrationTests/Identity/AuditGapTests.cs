using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Identity;

/// <summary>Issue 10, item 8: abuse that used to leave no trace is in the audit log.</summary>
public sealed class AuditGapTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    private AuditService.AuditServiceClient Audit => new(pms.Channel);

    [Fact]
    public async Task ReusingARotatedRefreshTokenIsAudited()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = partner.Login.RefreshToken });
        pms.Time.Advance(TimeSpan.FromSeconds(31)); // past the grace window for simultaneous renewals
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = partner.Login.RefreshToken }).ResponseAsync);

        var events = await ListAsync("REFRESH_TOKEN_REUSED");
        Assert.Contains(events, e => e.ActorId == partner.Login.UserId && e.ResourceType == "session" && e.Outcome == "FAILURE");
    }

    [Fact]
    public async Task AnInvalidResetTokenIsAudited()
    {
        var before = (await ListAsync("PASSWORD_RESET_TOKEN_INVALID")).Count;
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_RESET_TOKEN", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = "guessed-token-123", NewPassword = "New-Password-123" }).ResponseAsync);

        var events = await ListAsync("PASSWORD_RESET_TOKEN_INVALID");
        Assert.Equal(before + 1, events.Count);
        Assert.Contains(events, e => e.Comment == "unknown" && e.Outcome == "FAILURE");
    }

    [Fact]
    public async Task ARefusedPartnerCertificateUploadIsAudited()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE", () =>
            pms.Partners.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest
            {
                CertificateData = ByteString.CopyFromUtf8("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----"),
            }, partner.Auth).ResponseAsync);

        var events = await ListAsync("PARTNER_CERTIFICATE_REFUSED");
        var refusal = Assert.Single(events, e => e.ResourceId == partner.Partner.PartnerId);
        Assert.Equal(partner.Registration.Username, refusal.ActorUsername);
        Assert.Contains("INVALID_CERTIFICATE", refusal.Detail);
    }

    private async Task<List<AuditEvent>> ListAsync(string action) =>
        [.. (await Audit.ListAuditEventsAsync(new ListAuditEventsRequest { Action = action, PageSize = 100 }, await pms.AdminAuthAsync())).AuditEvents];
}
