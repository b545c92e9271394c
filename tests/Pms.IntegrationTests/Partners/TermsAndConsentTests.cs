using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

public sealed class TermsAndConsentTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    [Fact]
    public async Task TheTermsSayWhichDataPmsUsesAndWhy()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);

        var terms = await pms.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), partner.Auth);

        Assert.Equal("1.0", terms.Version);
        Assert.False(terms.ConsentGiven);
        Assert.Null(terms.ConsentGivenAt);
        foreach (var topic in new[] { "email", "phone number", "address", "organisation", "certificate", "audit", "encrypted" })
        {
            Assert.Contains(topic, terms.Text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("\n\n", terms.Text);
    }

    [Fact]
    public async Task WithoutConsentAPartnerCanOnlyReadTheTermsAndItsOwnAccount()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);

        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.False(self.ConsentGiven);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "CONSENT_REQUIRED", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "CONSENT_REQUIRED", () =>
            pms.Partners.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest(), partner.Auth).ResponseAsync);
    }

    [Fact]
    public async Task AcceptingTheCurrentTermsRecordsConsent()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);

        var consent = await pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = "1.0" }, partner.Auth);

        Assert.True(consent.ConsentGiven);
        Assert.Equal("1.0", consent.Version);
        Assert.InRange(consent.ConsentGivenAt.ToDateTimeOffset(), pms.Time.GetUtcNow().AddSeconds(-1), pms.Time.GetUtcNow());
        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.True(self.ConsentGiven);
        Assert.Equal(consent.ConsentGivenAt, self.ConsentGivenAt);
        var terms = await pms.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), partner.Auth);
        Assert.True(terms.ConsentGiven);

        // Past the gate: the certificate call now answers for itself.
        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_CERTIFICATE_NOT_FOUND", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth).ResponseAsync, "KER-PCM-012");

        var login = await pms.LoginAsync(partner.Registration.Username, partner.Password);
        Assert.False(login.ConsentRequired);
    }

    [Fact]
    public async Task AcceptingTwiceKeepsTheFirstConsentTime()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);
        var first = await pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = "1.0" }, partner.Auth);

        pms.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = "1.0" }, partner.Auth);

        Assert.Equal(first.ConsentGivenAt, second.ConsentGivenAt);
    }

    [Fact]
    public async Task AnotherVersionThanTheCurrentOneIsRefused()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "TERMS_VERSION_MISMATCH", () =>
            pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = "0.9" }, partner.Auth).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = "" }, partner.Auth).ResponseAsync);

        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.False(self.ConsentGiven);
    }

    [Fact]
    public async Task TheAdminReadsTheTermsButDoesNotAcceptThem()
    {
        var admin = await pms.AdminAuthAsync();

        var terms = await pms.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), admin);
        Assert.False(terms.ConsentGiven);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = terms.Version }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () =>
            pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), admin).ResponseAsync);
    }

    [Fact]
    public async Task TheTermsNeedASignedInCaller()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () =>
            pms.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest()).ResponseAsync);
    }

    [Fact]
    public async Task ConsentIsInTheAuditTrail()
    {
        var partner = await pms.SignInNewPartnerAsync();

        var events = await new AuditService.AuditServiceClient(pms.Channel).ListAuditEventsAsync(
            new ListAuditEventsRequest { ResourceType = "partner", ResourceId = partner.Partner.PartnerId, Action = "TERMS_ACCEPTED" },
            await pms.AdminAuthAsync());

        var accepted = Assert.Single(events.AuditEvents);
        Assert.Equal(partner.Login.UserId, accepted.ActorId);
    }
}
