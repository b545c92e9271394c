using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

public sealed class PartnerCertificateAccessTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    [Fact]
    public async Task APartnerWithoutACertificateGetsNotFound()
    {
        var partner = await pms.SignInNewPartnerAsync();

        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_CERTIFICATE_NOT_FOUND", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest { PartnerId = partner.Partner.PartnerId }, partner.Auth).ResponseAsync,
            "KER-PCM-012");
    }

    [Fact]
    public async Task AnotherPartnersCertificateIsUnreachable()
    {
        var mine = await pms.SignInNewPartnerAsync();
        var theirs = await pms.SignInNewPartnerAsync();

        var asOther = await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest { PartnerId = theirs.Partner.PartnerId }, mine.Auth).ResponseAsync);
        var asUnknown = await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest { PartnerId = Guid.NewGuid().ToString() }, mine.Auth).ResponseAsync);
        Assert.Equal(asUnknown, asOther);
    }

    [Fact]
    public async Task TheAdminMustNameThePartner()
    {
        var admin = await pms.AdminAuthAsync();

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () =>
            pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest { PartnerId = Guid.NewGuid().ToString() }, admin).ResponseAsync);
    }
}
