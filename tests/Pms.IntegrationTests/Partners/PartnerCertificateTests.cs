using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Org.BouncyCastle.X509;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;
using PartnerDomainEntity = Pms.Grpc.Data.Entities.PartnerDomain;

namespace Pms.IntegrationTests.Partners;

/// <summary>The FTM domain's trust store holds a ROOT and an INTERMEDIATE under it, as the admin would upload them.</summary>
public sealed class PartnerCertificateFixture : PmsFactory
{
    public TestCertificate Root { get; } = TestCertificates.Root("FTM Root CA", o => o.KeyType = TestKeyType.EcP256);

    public TestCertificate Intermediate { get; private set; } = null!;

    /// <summary>Issued by <see cref="Root"/> but not stored: partners must send it along.</summary>
    public TestCertificate UnstoredIntermediate { get; private set; } = null!;

    protected override Task BeforeStartAsync()
    {
        Intermediate = Root.Issue("FTM Issuing CA", o => o.KeyType = TestKeyType.EcP256);
        UnstoredIntermediate = Root.Issue("FTM Partner CA", o => o.KeyType = TestKeyType.EcP256);
        return Task.CompletedTask;
    }

    public async Task SeedAsync()
    {
        if (_seeded)
        {
            return;
        }
        var rootId = await this.AddCaCertificateAsync(PartnerDomainEntity.Ftm, Root);
        await this.AddCaCertificateAsync(PartnerDomainEntity.Ftm, Intermediate, rootId);
        _seeded = true;
    }

    private bool _seeded;
}

public sealed class PartnerCertificateTests(PartnerCertificateFixture pms) : IClassFixture<PartnerCertificateFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => pms.SeedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AnAcceptedCertificateMakesThePartnerActiveAndComesBackMosipSigned()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var leaf = LeafFor(partner);

        var pair = await UploadAsync(partner, leaf.PemBytes);

        Assert.Equal(partner.Partner.PartnerId, pair.PartnerId);
        Assert.Equal(leaf.Der, PemToDer(pair.CaSignedCertificatePem));
        Assert.Equal(leaf.Certificate.NotAfter.ToUniversalTime(), pair.CaSignedNotAfter.ToDateTime());
        Assert.False(pair.CaSignedExpired);
        Assert.False(pair.MosipSignedExpired);
        Assert.Contains($"O={partner.Partner.OrganizationName}", pair.Subject);
        Assert.Contains("CN=FTM Issuing CA", pair.Issuer);

        // The MOSIP-signed copy: same subject and key, issued and signed by PMS's signing CA, valid from now for a year.
        var signingCa = await SigningCaAsync();
        var mosipSigned = new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(pair.MosipSignedCertificatePem));
        Assert.Equal(signingCa.SubjectDN, mosipSigned.IssuerDN);
        mosipSigned.Verify(signingCa.GetPublicKey());
        Assert.Equal(leaf.Certificate.SubjectDN, mosipSigned.SubjectDN);
        Assert.Equal(leaf.Certificate.SubjectPublicKeyInfo.GetEncoded(), mosipSigned.SubjectPublicKeyInfo.GetEncoded());
        Assert.NotEqual(leaf.Certificate.SerialNumber, mosipSigned.SerialNumber);
        var now = pms.Time.GetUtcNow().UtcDateTime;
        Assert.InRange(mosipSigned.NotBefore.ToUniversalTime(), now.AddSeconds(-2), now);
        Assert.InRange((mosipSigned.NotAfter - mosipSigned.NotBefore).TotalDays, 365, 366);
        Assert.Equal(mosipSigned.NotBefore.ToUniversalTime(), pair.MosipSignedNotBefore.ToDateTime());
        Assert.Equal(mosipSigned.NotAfter.ToUniversalTime(), pair.MosipSignedNotAfter.ToDateTime());

        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.Equal(PartnerStatus.Active, self.Status);
        Assert.True(self.CertificateUploaded);
        Assert.Equal(pair, await pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth));

        var events = await new AuditService.AuditServiceClient(pms.Channel).ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ResourceType = "partner",
            ResourceId = partner.Partner.PartnerId,
            Action = "PARTNER_CERTIFICATE_UPLOADED",
        }, await pms.AdminAuthAsync());
        var audited = Assert.Single(events.AuditEvents);
        Assert.Equal("PARTNER_STATUS_IN_PROGRESS", audited.FromStatus);
        Assert.Equal("PARTNER_STATUS_ACTIVE", audited.ToStatus);
        Assert.Contains(pair.CertificateId, audited.Detail);
    }

    [Fact]
    public async Task ACertificateWhoseIntermediateIsNotStoredIsAcceptedWhenTheIntermediateIsSentAlong()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var leaf = pms.UnstoredIntermediate.IssueLeaf("partner", o => { o.KeyType = TestKeyType.EcP256; o.Organization = partner.Partner.OrganizationName; });

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "TRUST_PATH_NOT_FOUND", () => UploadAsync(partner, leaf.PemBytes), "KER-PCM-006");

        var pair = await UploadAsync(partner, Encoding.ASCII.GetBytes(TestCertificates.BundlePem(leaf, pms.UnstoredIntermediate)));
        Assert.Equal(leaf.Der, PemToDer(pair.CaSignedCertificatePem));
    }

    [Fact]
    public async Task ADerCertificateIsAcceptedToo()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var leaf = LeafFor(partner);

        var pair = await UploadAsync(partner, leaf.Der);

        Assert.Equal(leaf.Der, PemToDer(pair.CaSignedCertificatePem));
    }

    [Fact]
    public async Task CertificatesThatBreakMosipsRulesAreRefusedAndThePartnerStaysInProgress()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var organization = partner.Partner.OrganizationName;
        var now = pms.Time.GetUtcNow();
        var cases = new (string Reason, string MosipCode, byte[] Data)[]
        {
            ("SELF_SIGNED_CERTIFICATE", "KER-PCM-015",
                TestCertificates.SelfSignedLeaf("me", o => { o.KeyType = TestKeyType.EcP256; o.Organization = organization; }).PemBytes),
            ("ORGANIZATION_NAME_MISMATCH", "KER-PCM-008", Leaf(o => o.Organization = organization + " Ltd").PemBytes),
            ("ORGANIZATION_NAME_MISMATCH", "KER-PCM-008", Leaf(o => o.Organization = organization.ToUpperInvariant()).PemBytes),
            ("KEY_NOT_ALLOWED", "KER-PCM-013", Leaf(o => { o.Organization = organization; o.KeyType = TestKeyType.Rsa1024; }).PemBytes),
            ("SIGNATURE_ALGORITHM_NOT_ALLOWED", "KER-PCM-014", Leaf(o => { o.Organization = organization; o.SignatureAlgorithm = "SHA1WITHECDSA"; }).PemBytes),
            ("CERTIFICATE_VALIDITY_TOO_SHORT", "KER-KMS-021", Leaf(o => { o.Organization = organization; o.NotAfter = now.AddDays(300); }).PemBytes),
            ("CERTIFICATE_EXPIRED", "KER-PCM-004", Leaf(o => { o.Organization = organization; o.NotBefore = now.AddDays(-30); o.NotAfter = now.AddDays(-1); }).PemBytes),
            ("CERTIFICATE_NOT_YET_VALID", "KER-PMS-020", Leaf(o => { o.Organization = organization; o.NotBefore = now.AddDays(2); }).PemBytes),
            ("UNSUPPORTED_CERTIFICATE_VERSION", "KER-PCM-007", Leaf(o => { o.Organization = organization; o.Version = 1; }).PemBytes),
            ("INVALID_CERTIFICATE", "KER-PCM-001", "not a certificate"u8.ToArray()),
            ("INVALID_CERTIFICATE", "KER-PCM-001", []),
            ("INVALID_CERTIFICATE", "KER-PCM-001", Encoding.ASCII.GetBytes(LeafFor(partner).PrivateKeyPem)),
        };

        foreach (var (reason, mosipCode, data) in cases)
        {
            await RpcAssert.FailsAsync(StatusCode.InvalidArgument, reason, () => UploadAsync(partner, data), mosipCode);
        }
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_DATA_TOO_LARGE", () => UploadAsync(partner, new byte[1024 * 1024 + 1]));

        var self = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), partner.Auth);
        Assert.Equal(PartnerStatus.InProgress, self.Status);
        Assert.False(self.CertificateUploaded);
    }

    [Fact]
    public async Task ACertificateWithABrokenSignatureHasNoTrustPath()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var forged = Leaf(o => { o.Organization = partner.Partner.OrganizationName; o.BreakSignature = true; });

        var info = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "TRUST_PATH_NOT_FOUND", () => UploadAsync(partner, forged.PemBytes), "KER-PCM-006");

        Assert.Equal("INVALID_SIGNATURE", info.Metadata["cause"]);
    }

    [Fact]
    public async Task APartnerOfADomainWithoutCasIsToldSo()
    {
        var partner = await pms.SignInNewPartnerAsync(type: PartnerType.AuthPartner);
        var leaf = LeafFor(partner);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "NO_TRUSTED_CA_FOR_DOMAIN", () => UploadAsync(partner, leaf.PemBytes));
    }

    [Fact]
    public async Task AFtmCertificateIsNotTrustedInTheDeviceDomain()
    {
        var deviceRoot = TestCertificates.Root("Device Root CA", o => o.KeyType = TestKeyType.EcP256);
        await pms.AddCaCertificateAsync(PartnerDomainEntity.Device, deviceRoot);
        var partner = await pms.SignInNewPartnerAsync(type: PartnerType.DeviceProvider);

        var info = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "TRUST_PATH_NOT_FOUND",
            () => UploadAsync(partner, LeafFor(partner).PemBytes), "KER-PCM-006");
        Assert.Equal("ISSUER_NOT_TRUSTED", info.Metadata["cause"]);

        var deviceLeaf = deviceRoot.IssueLeaf("device partner", o => { o.KeyType = TestKeyType.EcP256; o.Organization = partner.Partner.OrganizationName; });
        var pair = await UploadAsync(partner, deviceLeaf.PemBytes);
        Assert.Contains("CN=Device Root CA", pair.Issuer);
    }

    [Fact]
    public async Task AnotherCertificateReplacesTheCurrentOneAndTheOldOneStaysInHistory()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var first = await UploadAsync(partner, LeafFor(partner).PemBytes);
        var secondLeaf = LeafFor(partner);

        var second = await UploadAsync(partner, secondLeaf.PemBytes);

        Assert.NotEqual(first.CertificateId, second.CertificateId);
        Assert.Equal(secondLeaf.Der, PemToDer(second.CaSignedCertificatePem));
        Assert.Equal(second, await pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth));
        var history = await HistoryAsync(partner);
        Assert.Equal(new[] { (first.CertificateId, false), (second.CertificateId, true) }, history);
    }

    [Fact]
    public async Task TheSameCertificateAgainRenewsTheMosipSignedCopy()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var leaf = LeafFor(partner);
        var first = await UploadAsync(partner, leaf.PemBytes);

        pms.Time.Advance(TimeSpan.FromMinutes(10));
        var renewed = await UploadAsync(partner, leaf.PemBytes);

        Assert.NotEqual(first.CertificateId, renewed.CertificateId);
        Assert.Equal(first.CaSignedCertificatePem, renewed.CaSignedCertificatePem);
        Assert.NotEqual(first.MosipSignedCertificatePem, renewed.MosipSignedCertificatePem);
        Assert.Equal(TimeSpan.FromMinutes(10), renewed.MosipSignedNotBefore.ToDateTime() - first.MosipSignedNotBefore.ToDateTime());
        Assert.Equal(2, (await HistoryAsync(partner)).Count);
    }

    [Fact]
    public async Task AfterARenameTheNextUploadMustCarryTheNewOrganisation()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await UploadAsync(partner, LeafFor(partner).PemBytes);
        var admin = await pms.AdminAuthAsync();
        var newName = partner.Partner.OrganizationName + " Renamed";
        await pms.Partners.UpdateOrganizationNameAsync(
            new UpdateOrganizationNameRequest { PartnerId = partner.Partner.PartnerId, OrganizationName = newName }, admin);

        // The certificate accepted before stays in force.
        await pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), partner.Auth);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "ORGANIZATION_NAME_MISMATCH", () => UploadAsync(partner, LeafFor(partner).PemBytes), "KER-PCM-008");

        var renewed = await UploadAsync(partner, Leaf(o => o.Organization = newName).PemBytes);
        Assert.Contains($"O={newName}", renewed.Subject);
    }

    [Fact]
    public async Task APartnerWithACertificateCanBeDeactivatedAndActivatedAgain()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await UploadAsync(partner, LeafFor(partner).PemBytes);
        var admin = await pms.AdminAuthAsync();
        var id = partner.Partner.PartnerId;

        var info = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Partners.ActivatePartnerAsync(new ActivatePartnerRequest { PartnerId = id }, admin).ResponseAsync);
        Assert.Equal("PARTNER_STATUS_ACTIVE", info.Metadata["current_status"]);

        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = id }, admin);
        var activated = await pms.Partners.ActivatePartnerAsync(new ActivatePartnerRequest { PartnerId = id, Comment = "Key rotated" }, admin);

        Assert.Equal(PartnerStatus.Active, activated.Status);
        var login = await pms.LoginAsync(partner.Registration.Username, partner.Password);
        await pms.Partners.GetPartnerCertificateAsync(new GetPartnerCertificateRequest(), PmsFactory.Bearer(login.AccessToken));
    }

    [Fact]
    public async Task TheAdminReadsAnyPartnersCertificateButAnotherPartnerCannot()
    {
        var owner = await pms.SignInNewPartnerAsync();
        var pair = await UploadAsync(owner, LeafFor(owner).PemBytes);
        var other = await pms.SignInNewPartnerAsync();

        var asAdmin = await pms.Partners.GetPartnerCertificateAsync(
            new GetPartnerCertificateRequest { PartnerId = owner.Partner.PartnerId }, await pms.AdminAuthAsync());
        Assert.Equal(pair, asAdmin);

        var asOther = await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () => pms.Partners.GetPartnerCertificateAsync(
            new GetPartnerCertificateRequest { PartnerId = owner.Partner.PartnerId }, other.Auth).ResponseAsync);
        var asNobody = await RpcAssert.FailsAsync(StatusCode.NotFound, "PARTNER_NOT_FOUND", () => pms.Partners.GetPartnerCertificateAsync(
            new GetPartnerCertificateRequest { PartnerId = Guid.NewGuid().ToString() }, other.Auth).ResponseAsync);
        Assert.Equal(asNobody, asOther);
    }

    [Fact]
    public async Task OnlyAPartnerWithConsentUploads()
    {
        var withoutConsent = await pms.SignInNewPartnerAsync(acceptTerms: false);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "CONSENT_REQUIRED", () => UploadAsync(withoutConsent, LeafFor(withoutConsent).PemBytes));

        var admin = await pms.AdminAuthAsync();
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", () => pms.Partners.UploadPartnerCertificateAsync(
            new UploadPartnerCertificateRequest { CertificateData = ByteString.CopyFrom(pms.Intermediate.Der) }, admin).ResponseAsync);
    }

    private TestCertificate LeafFor(SignedInPartner partner) => Leaf(o => o.Organization = partner.Partner.OrganizationName);

    private TestCertificate Leaf(Action<CertificateOptions> configure) =>
        pms.Intermediate.IssueLeaf("partner", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            configure(o);
        });

    private async Task<Mosip.Pms.V1.PartnerCertificate> UploadAsync(SignedInPartner partner, byte[] data) =>
        await pms.Partners.UploadPartnerCertificateAsync(new UploadPartnerCertificateRequest { CertificateData = ByteString.CopyFrom(data) }, partner.Auth);

    private async Task<X509Certificate> SigningCaAsync()
    {
        using var scope = pms.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<PmsDbContext>().SigningAuthorityKeys.AsNoTracking().SingleAsync(k => k.IsActive);
        return new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(row.CertificatePem));
    }

    private async Task<List<(string Id, bool IsCurrent)>> HistoryAsync(SignedInPartner partner)
    {
        using var scope = pms.Services.CreateScope();
        var partnerId = Guid.Parse(partner.Partner.PartnerId);
        var rows = await scope.ServiceProvider.GetRequiredService<PmsDbContext>().PartnerCertificates.AsNoTracking()
            .Where(c => c.PartnerId == partnerId).OrderBy(c => c.UploadedAt).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.IsCurrent }).ToListAsync();
        return rows.Select(r => (r.Id.ToString(), r.IsCurrent)).ToList();
    }

    private static byte[] PemToDer(string pem) => new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(pem)).GetEncoded();
}
