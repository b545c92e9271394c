using Org.BouncyCastle.Asn1.X509;
using Pms.Grpc.AtRest;
using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

/// <summary>One RSA 3072 signing CA for the class: generating it is the slow part.</summary>
public sealed class SigningAuthorityFixture
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = CertificateTestHelpers.Clock();

    public SigningAuthority Authority { get; }

    public SigningAuthorityFixture() => Authority = SigningAuthority.Create(Clock);
}

public class SigningAuthorityTests(SigningAuthorityFixture fixture) : IClassFixture<SigningAuthorityFixture>
{
    private const string Secret = "a-long-random-master-secret-for-tests-0123456789";

    private static PrivateKeyProtector Protector() => new(new AtRestEncryption(() => System.Text.Encoding.UTF8.GetBytes(Secret)));

    private static readonly TestCertificate PartnerRoot = TestCertificates.Root("Partner Root");

    [Fact]
    public void SigningCaIsASelfSignedRsa3072CaForTenYears()
    {
        var ca = fixture.Authority.Certificate;

        Assert.Equal("CN=PMS Signing CA,O=MOSIP", ca.Subject);
        Assert.True(ca.IsSelfSigned);
        Assert.True(ca.IsCa);
        Assert.True(ca.AllowsKeyCertSign);
        Assert.Equal("RSA 3072", ca.Key.Description);
        Assert.Equal("SHA256withRSA", ca.SignatureAlgorithm);
        Assert.NotNull(ca.SubjectKeyIdentifierHex);
        Assert.InRange((ca.NotAfter - ca.NotBefore).TotalDays, 3650, 3654);
        Assert.Equal(CaCertificateKind.Root, new CaCertificateRules(fixture.Clock).CheckCertificate(ca).Accepted());
    }

    [Fact]
    public void MosipSignedCertificateKeepsSubjectAndKeyAndIsIssuedByTheSigningCa()
    {
        var original = PartnerRoot.IssueLeaf("partner", o => o.Organization = "Acme").Parsed();

        var issued = fixture.Authority.IssueMosipSignedCertificate(original);

        Assert.Equal(fixture.Authority.Certificate.Subject, issued.Issuer);
        Assert.Equal(original.Subject, issued.Subject);
        Assert.Equal(original.Certificate.SubjectDN.GetEncoded(), issued.Certificate.SubjectDN.GetEncoded());
        Assert.Equal(original.Certificate.SubjectPublicKeyInfo.GetEncoded(), issued.Certificate.SubjectPublicKeyInfo.GetEncoded());
        Assert.True(issued.IsSignedBy(fixture.Authority.Certificate));
        Assert.False(issued.IsSignedBy(original));
        Assert.Equal(fixture.Authority.Certificate.SubjectKeyIdentifierHex, issued.AuthorityKeyIdentifierHex);
        Assert.NotNull(issued.SubjectKeyIdentifierHex);
        Assert.False(issued.IsCa);
        Assert.True(issued.HasBasicConstraints);
        Assert.Equal("SHA256withRSA", issued.SignatureAlgorithm);
        Assert.Equal(3, issued.Version);
    }

    [Fact]
    public void MosipSignedCertificateIsValidFromNowForOneYear()
    {
        var issued = fixture.Authority.IssueMosipSignedCertificate(PartnerRoot.IssueLeaf("partner").Parsed());
        var now = fixture.Clock.GetUtcNow();

        Assert.InRange(issued.NotBefore, now.AddSeconds(-1), now);
        Assert.InRange((issued.NotAfter - issued.NotBefore).TotalDays, 365, 366);
    }

    [Fact]
    public void MosipSignedCertificatesGetDifferentRandomSerials()
    {
        var original = PartnerRoot.IssueLeaf("partner").Parsed();

        var first = fixture.Authority.IssueMosipSignedCertificate(original);
        var second = fixture.Authority.IssueMosipSignedCertificate(original);

        Assert.NotEqual(first.SerialNumberHex, second.SerialNumberHex);
        Assert.True(first.Certificate.SerialNumber.BitLength >= 64);
        Assert.True(first.Certificate.SerialNumber.SignValue > 0);
    }

    [Fact]
    public void MosipSignedCertificateChainsToTheSigningCaInATrustStore()
    {
        var issued = fixture.Authority.IssueMosipSignedCertificate(PartnerRoot.IssueLeaf("chip", o => o.KeyType = TestKeyType.EcP256).Parsed());
        var store = DomainTrustStore.Create("MOSIP", [new TrustStoreEntry(Guid.NewGuid(), fixture.Authority.Certificate, CaCertificateKind.Root)]);

        Assert.True(store.BuildPath(issued, fixture.Clock.GetUtcNow()).IsTrusted);
    }

    [Fact]
    public void MosipSignedCertificateKeepsTheOriginalsKeyUsageWithoutCaBits()
    {
        var original = PartnerRoot.IssueLeaf("partner", o => o.KeyUsage = KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment | KeyUsage.KeyCertSign).Parsed();
        var bare = PartnerRoot.IssueLeaf("bare", o => o.OmitKeyUsage = true).Parsed();

        var issued = fixture.Authority.IssueMosipSignedCertificate(original).Certificate.GetKeyUsage()!;
        var issuedBare = fixture.Authority.IssueMosipSignedCertificate(bare).Certificate.GetKeyUsage()!;

        Assert.True(issued[0]); // digitalSignature
        Assert.True(issued[2]); // keyEncipherment
        Assert.False(issued[5]); // keyCertSign dropped: CA:FALSE
        Assert.True(issuedBare[0]);
        Assert.Equal(1, issuedBare.Count(b => b));
    }

    [Fact]
    public void MosipSignedCertificateNeverOutlivesTheSigningCa()
    {
        var clock = Clock();
        var rowId = Guid.CreateVersion7();
        var protector = Protector();
        var authority = SigningAuthority.Load(fixture.Authority.Certificate, protector.Unprotect(fixture.Authority.ExportProtectedPrivateKey(protector, rowId), rowId), clock);
        clock.SetUtcNow(fixture.Authority.Certificate.NotAfter.AddDays(-30));

        var issued = authority.IssueMosipSignedCertificate(PartnerRoot.IssueLeaf("partner", o => o.NotAfter = DateTimeOffset.UtcNow.AddYears(20)).Parsed());

        Assert.Equal(fixture.Authority.Certificate.NotAfter, issued.NotAfter);
    }

    [Fact]
    public void SigningAuthorityReloadsFromPemAndProtectedKey()
    {
        var protector = Protector();
        var rowId = Guid.CreateVersion7();
        var blob = fixture.Authority.ExportProtectedPrivateKey(protector, rowId);

        var reloaded = SigningAuthority.Load(fixture.Authority.CertificatePem, blob, rowId, protector, fixture.Clock);
        var issued = reloaded.IssueMosipSignedCertificate(PartnerRoot.IssueLeaf("partner").Parsed());

        Assert.Equal(fixture.Authority.Certificate.ThumbprintSha256, reloaded.Certificate.ThumbprintSha256);
        Assert.True(issued.IsSignedBy(fixture.Authority.Certificate));
    }

    [Fact]
    public void SigningAuthorityRefusesAKeyThatIsNotItsOwn()
    {
        var otherKey = TestCertificates.GenerateKey(TestKeyType.Rsa2048).Private;

        Assert.Throws<PrivateKeyProtectionException>(() => SigningAuthority.Load(fixture.Authority.Certificate, otherKey, fixture.Clock));
    }
}
