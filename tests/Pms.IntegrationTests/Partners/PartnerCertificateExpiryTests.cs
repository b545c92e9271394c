using Google.Protobuf;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.Partners;

// A class of its own: moving the clock by years would spoil the other certificate tests' certificates.
public sealed class PartnerCertificateExpiryTests(PartnerCertificateFixture pms) : IClassFixture<PartnerCertificateFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => pms.SeedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheExpiredFlagsFollowTheClock()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var leaf = pms.Intermediate.IssueLeaf("partner", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = partner.Partner.OrganizationName;
            o.NotAfter = pms.Time.GetUtcNow().AddDays(500);
        });
        await pms.Partners.UploadPartnerCertificateAsync(
            new UploadPartnerCertificateRequest { CertificateData = ByteString.CopyFrom(leaf.Der) }, partner.Auth);

        pms.Time.Advance(TimeSpan.FromDays(367));
        var afterOneYear = await GetAsync(partner);
        Assert.True(afterOneYear.MosipSignedExpired);
        Assert.False(afterOneYear.CaSignedExpired);

        pms.Time.Advance(TimeSpan.FromDays(200));
        var afterBoth = await GetAsync(partner);
        Assert.True(afterBoth.MosipSignedExpired);
        Assert.True(afterBoth.CaSignedExpired);
    }

    // The clock moved past the access token's lifetime: sign in again, as the portal would.
    private async Task<Mosip.Pms.V1.PartnerCertificate> GetAsync(SignedInPartner partner)
    {
        var login = await pms.LoginAsync(partner.Registration.Username, partner.Password);
        return await pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), PmsFactory.Bearer(login.AccessToken));
    }
}
