using Google.Protobuf;
using Grpc.Core;
using Mosip.Pms.V1;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>Sets up over gRPC what a test needs as its starting point, so the browser only walks the screens under test.</summary>
public sealed class Arrange(PortalFixture portal)
{
    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    public async Task<Metadata> AdminAsync()
    {
        using var channel = portal.GrpcChannel();
        var login = await new PartnerService.PartnerServiceClient(channel).LoginAsync(
            new LoginRequest { Username = PortalFixture.AdminUsername, Password = PortalFixture.AdminPassword }, deadline: Deadline);
        return Bearer(login.AccessToken);
    }

    /// <summary>Trusts the certificates' root and intermediate in the FTM domain.</summary>
    public async Task TrustAsync(CertificateFiles certificates)
    {
        using var channel = portal.GrpcChannel();
        var trustStore = new TrustStoreService.TrustStoreServiceClient(channel);
        var admin = await AdminAsync();
        foreach (var ca in new[] { certificates.Root, certificates.Intermediate })
        {
            await trustStore.UploadCaCertificateAsync(
                new UploadCaCertificateRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = ByteString.CopyFrom(ca.PemBytes) }, admin, deadline: Deadline);
        }
    }

    /// <summary>A registered FTM provider that accepted the terms and has an accepted partner certificate; returns its token.</summary>
    public async Task<Metadata> ActiveProviderAsync(Provider provider, CertificateFiles certificates)
    {
        using var channel = portal.GrpcChannel();
        var partners = new PartnerService.PartnerServiceClient(channel);
        await partners.RegisterPartnerAsync(new RegisterPartnerRequest
        {
            PartnerType = PartnerType.FtmProvider,
            FirstName = "Ravi",
            LastName = "Iyer",
            OrganizationName = provider.Organization,
            Address = "4 Fab Lane, Pune",
            PhoneNumber = "+919812345678",
            Email = provider.Email,
            Username = provider.Username,
            Password = provider.Password,
        }, deadline: Deadline);
        var login = await partners.LoginAsync(new LoginRequest { Username = provider.Username, Password = provider.Password }, deadline: Deadline);
        var token = Bearer(login.AccessToken);
        var terms = await partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), token, deadline: Deadline);
        await partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = terms.Version }, token, deadline: Deadline);
        await partners.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest
        {
            CertificateData = ByteString.CopyFrom(certificates.Leaf(provider.Username, provider.Organization).PemBytes),
        }, token, deadline: Deadline);
        return token;
    }

    /// <summary>Adds a chip, and uploads its certificate when asked.</summary>
    public async Task<FtmChip> ChipAsync(Metadata provider, Provider owner, CertificateFiles certificates, string make, string model, bool uploadCertificate)
    {
        using var channel = portal.GrpcChannel();
        var chips = new FtmChipService.FtmChipServiceClient(channel);
        var chip = await chips.AddFtmChipAsync(new AddFtmChipRequest { Make = make, Model = model }, provider, deadline: Deadline);
        if (uploadCertificate)
        {
            chip = await chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
            {
                FtmChipId = chip.FtmChipId,
                CertificateData = ByteString.CopyFrom(certificates.Leaf($"{make} {model}", owner.Organization).PemBytes),
            }, provider, deadline: Deadline);
        }

        return chip;
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
