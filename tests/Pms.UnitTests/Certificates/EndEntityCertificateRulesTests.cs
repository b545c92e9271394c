using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

public class EndEntityCertificateRulesTests
{
    private const string Organization = "Acme Chips Pvt Ltd";

    private static readonly TestCertificate Root = TestCertificates.Root("FTM Root", o => o.Organization = "FTM Trust");
    private static readonly TestCertificate Intermediate = Root.Issue("FTM Issuing CA");
    private static readonly TrustStoreEntry RootEntry = Root.AsRoot();
    private static readonly TrustStoreEntry IntermediateEntry = Intermediate.AsIntermediate();

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Clock();

    private EndEntityCertificateRules Rules(TimeSpan? minimum = null) =>
        new(_clock, minimum is null ? null : new EndEntityCertificateRulesOptions { MinimumRemainingValidity = minimum.Value });

    private static DomainTrustStore FullStore() => Store(RootEntry, IntermediateEntry);

    [Fact]
    public void UploadAcceptsPartnerCertificateChainingThroughStoredIntermediate()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = Organization);

        var decision = Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()).Accepted();

        Assert.True(decision.Path.IsTrusted);
        Assert.Equal([IntermediateEntry.Id, RootEntry.Id], decision.Path.StoredIds);
    }

    [Theory]
    [InlineData(TestKeyType.EcP256)]
    [InlineData(TestKeyType.EcP384)]
    [InlineData(TestKeyType.Ed25519)]
    [InlineData(TestKeyType.Rsa3072)]
    public void UploadAcceptsStrongLeafKeys(TestKeyType keyType)
    {
        var leaf = Intermediate.IssueLeaf("chip", o => { o.Organization = Organization; o.KeyType = keyType; });

        Assert.True(Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()).Accepted().Path.IsTrusted);
    }

    [Fact]
    public void UploadAcceptsLeafWithItsIntermediateInTheSameUpload()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = Organization);
        var uploaded = CertificateParser.Parse(System.Text.Encoding.ASCII.GetBytes(TestCertificates.BundlePem(Intermediate, leaf))).Accepted();

        var decision = Rules().Check(EndEntityInput.From(uploaded), Organization, Store(RootEntry)).Accepted();

        Assert.Equal(leaf.Parsed().ThumbprintSha256, decision.Certificate.ThumbprintSha256);
        Assert.Equal([RootEntry.Id], decision.Path.StoredIds);
    }

    [Fact]
    public void UploadRejectsSelfSignedCertificate()
    {
        var selfSigned = TestCertificates.SelfSignedLeaf("partner", o => o.Organization = Organization);

        var violation = Violation(() => Rules().Check(new EndEntityInput(selfSigned.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.SelfSignedNotAllowed, "KER-PCM-015");
    }

    [Fact]
    public void UploadRejectsCertificateWhoseOrganisationDiffers()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = "Other Chips Ltd");

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.OrganizationMismatch, "KER-PCM-008");
        Assert.Contains("Other Chips Ltd", violation.Message);
        Assert.Contains(Organization, violation.Message);
    }

    [Theory]
    [InlineData("acme chips pvt ltd")]
    [InlineData("Acme Chips Pvt Ltd ")]
    [InlineData("Acme Chips")]
    public void UploadRejectsOrganisationThatDiffersOnlyInCaseOrPart(string certificateOrganization)
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = certificateOrganization);

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.OrganizationMismatch, "KER-PCM-008");
    }

    [Fact]
    public void UploadRejectsCertificateWithoutOrganisation()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Subject = new Org.BouncyCastle.Asn1.X509.X509Name("CN=partner"));

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.OrganizationMismatch, "KER-PCM-008");
        Assert.Contains("no O=", violation.Message);
    }

    [Fact]
    public void UploadRejectsRsa1024Leaf()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => { o.Organization = Organization; o.KeyType = TestKeyType.Rsa1024; });

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.WeakKey, "KER-PCM-013");
        Assert.Contains("RSA 1024", violation.Message);
    }

    [Fact]
    public void UploadRejectsLeafSignedWithSha1()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => { o.Organization = Organization; o.SignatureAlgorithm = "SHA1WITHRSA"; });

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.WeakSignatureAlgorithm, "KER-PCM-014");
    }

    [Fact]
    public void UploadRejectsLeafWithTooLittleValidityLeft()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => { o.Organization = Organization; o.NotAfter = _clock.GetUtcNow().AddDays(300); });

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.ValidityTooShort, "KER-KMS-021");
        Assert.Contains("335", violation.Message);
    }

    [Fact]
    public void MinimumRemainingValidityOfLeafIsConfigurable()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => { o.Organization = Organization; o.NotAfter = _clock.GetUtcNow().AddDays(300); });

        Assert.True(Rules(TimeSpan.FromDays(30)).Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()).Accepted().Path.IsTrusted);
    }

    [Fact]
    public void UploadRejectsExpiredAndFutureDatedLeaf()
    {
        var expired = Intermediate.IssueLeaf("expired", o =>
        {
            o.Organization = Organization;
            o.NotBefore = _clock.GetUtcNow().AddYears(-2);
            o.NotAfter = _clock.GetUtcNow().AddDays(-1);
        });
        var future = Intermediate.IssueLeaf("future", o => { o.Organization = Organization; o.NotBefore = _clock.GetUtcNow().AddDays(3); });

        AssertViolation(Violation(() => Rules().Check(new EndEntityInput(expired.Parsed(), []), Organization, FullStore())), CertificateReasons.Expired, "KER-PCM-004");
        AssertViolation(Violation(() => Rules().Check(new EndEntityInput(future.Parsed(), []), Organization, FullStore())), CertificateReasons.NotYetValid, "KER-PMS-020");
    }

    [Fact]
    public void UploadRejectsLeafWhenDomainHasNoRoot()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = Organization);

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, DomainTrustStore.Empty("FTM")));

        AssertViolation(violation, CertificateReasons.NoTrustedCaForDomain, "KER-PCM-006");
        Assert.Equal(CertificateViolationKind.FailedPrecondition, violation.Kind);
    }

    [Fact]
    public void UploadRejectsLeafWithoutPathToARootOfTheDomain()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = Organization);

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, Store(RootEntry)));

        AssertViolation(violation, CertificateReasons.TrustPathNotFound, "KER-PCM-006");
        Assert.Equal(CertificateReasons.IssuerNotTrusted, violation.Cause);
        Assert.Contains("FTM Issuing CA", violation.Message);
    }

    [Fact]
    public void UploadRejectsLeafFromAnotherDomainsCa()
    {
        var otherRoot = TestCertificates.Root("Device Root");
        var leaf = otherRoot.IssueLeaf("partner", o => o.Organization = Organization);

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.TrustPathNotFound, "KER-PCM-006");
        Assert.Equal(CertificateReasons.IssuerNotTrusted, violation.Cause);
    }

    [Fact]
    public void UploadRejectsLeafWhoseSignatureDoesNotVerify()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => { o.Organization = Organization; o.BreakSignature = true; });

        var violation = Violation(() => Rules().Check(new EndEntityInput(leaf.Parsed(), []), Organization, FullStore()));

        AssertViolation(violation, CertificateReasons.TrustPathNotFound, "KER-PCM-006");
        Assert.Equal(CertificateReasons.InvalidSignature, violation.Cause);
        Assert.Equal(CertificateViolationKind.InvalidArgument, violation.Kind);
    }

    [Fact]
    public void LeafIsPickedFromAnUploadInAnyOrder()
    {
        var leaf = Intermediate.IssueLeaf("partner", o => o.Organization = Organization);
        var parsed = CertificateParser.Parse(TestCertificates.Pkcs7Der(Root, leaf, Intermediate)).Accepted();

        Assert.Equal(leaf.Parsed().ThumbprintSha256, CertificateBundle.SelectLeaf(parsed).ThumbprintSha256);
    }
}
