using Org.BouncyCastle.Asn1.X509;
using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

public class CaCertificateRulesTests
{
    private static readonly Action<CertificateOptions> Ec = o => o.KeyType = TestKeyType.EcP256;

    // EC keys unless a test is about RSA: RSA key generation dominates the run time.
    private static TestCertificate EcRoot(string name, Action<CertificateOptions>? configure = null) =>
        TestCertificates.Root(name, o => { o.KeyType = TestKeyType.EcP256; configure?.Invoke(o); });

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Clock();

    private CaCertificateRules Rules(TimeSpan? minimum = null) =>
        new(_clock, minimum is null ? null : new CaCertificateRulesOptions { MinimumRemainingValidity = minimum.Value });

    [Fact]
    public void SelfSignedCaIsClassifiedAsRoot()
    {
        var root = TestCertificates.Root("Root", o => o.KeyType = TestKeyType.EcP256);

        Assert.Equal(CaCertificateKind.Root, Rules().CheckCertificate(root.Parsed()).Accepted());
    }

    [Fact]
    public void IssuedCaIsClassifiedAsIntermediate()
    {
        var intermediate = TestCertificates.Root("Root", Ec).Issue("Intermediate", Ec);

        Assert.Equal(CaCertificateKind.Intermediate, Rules().CheckCertificate(intermediate.Parsed()).Accepted());
    }

    [Theory]
    [InlineData(TestKeyType.Rsa2048)]
    [InlineData(TestKeyType.Rsa3072)]
    [InlineData(TestKeyType.EcP256)]
    [InlineData(TestKeyType.EcP384)]
    [InlineData(TestKeyType.EcP521)]
    [InlineData(TestKeyType.Ed25519)]
    public void UploadAcceptsStrongKeys(TestKeyType keyType)
    {
        var root = TestCertificates.Root("Strong", o => o.KeyType = keyType);

        Assert.Equal(CaCertificateKind.Root, Rules().CheckCertificate(root.Parsed()).Accepted());
    }

    [Theory]
    [InlineData("SHA384WITHRSA")]
    [InlineData("SHA512WITHRSA")]
    [InlineData("SHA256WITHRSAANDMGF1")]
    [InlineData("SHA512WITHRSAANDMGF1")]
    public void UploadAcceptsSha2RsaSignatures(string algorithm)
    {
        var root = TestCertificates.Root("Sha2", o => o.SignatureAlgorithm = algorithm);

        Assert.Equal(CaCertificateKind.Root, Rules().CheckCertificate(root.Parsed()).Accepted());
    }

    [Theory]
    [InlineData(TestKeyType.Rsa1024, "RSA 1024")]
    [InlineData(TestKeyType.EcSecp256k1, "EC secp256k1")]
    public void UploadRejectsWeakKey(TestKeyType keyType, string description)
    {
        var root = TestCertificates.Root("Weak", o => o.KeyType = keyType);

        var violation = Violation(() => Rules().CheckCertificate(root.Parsed()));

        AssertViolation(violation, CertificateReasons.WeakKey, "");
        Assert.Contains(description, violation.Message);
    }

    [Fact]
    public void UploadRejectsDsaKey()
    {
        var intermediate = TestCertificates.Root("Root", Ec).Issue("DSA CA", o => o.KeyType = TestKeyType.Dsa2048);

        var violation = Violation(() => Rules().CheckCertificate(intermediate.Parsed()));

        AssertViolation(violation, CertificateReasons.WeakKey, "");
        Assert.Contains("DSA", violation.Message);
    }

    [Theory]
    [InlineData("SHA1WITHRSA", "SHA1withRSA")]
    [InlineData("MD5WITHRSA", "MD5withRSA")]
    [InlineData("SHA224WITHRSA", "SHA224withRSA")]
    [InlineData("SHA1WITHRSAANDMGF1", "SHA1withRSA/PSS")]
    public void UploadRejectsWeakSignatureAlgorithm(string algorithm, string description)
    {
        var root = TestCertificates.Root("Sha1", o => o.SignatureAlgorithm = algorithm);

        var violation = Violation(() => Rules().CheckCertificate(root.Parsed()));

        AssertViolation(violation, CertificateReasons.WeakSignatureAlgorithm, "");
        Assert.Contains(description, violation.Message);
    }

    [Fact]
    public void UploadRejectsEcdsaWithSha1()
    {
        var root = TestCertificates.Root("EcSha1", o => { o.KeyType = TestKeyType.EcP256; o.SignatureAlgorithm = "SHA1WITHECDSA"; });

        AssertViolation(Violation(() => Rules().CheckCertificate(root.Parsed())), CertificateReasons.WeakSignatureAlgorithm, "");
    }

    [Fact]
    public void UploadRejectsVersion1Certificate()
    {
        var root = EcRoot("V1", o => o.Version = 1);

        var violation = Violation(() => Rules().CheckCertificate(root.Parsed()));

        AssertViolation(violation, CertificateReasons.NotV3, "KER-PCM-007");
    }

    [Fact]
    public void UploadRejectsExpiredCertificate()
    {
        var root = EcRoot("Expired", o =>
        {
            o.NotBefore = _clock.GetUtcNow().AddYears(-3);
            o.NotAfter = _clock.GetUtcNow().AddDays(-1);
        });

        AssertViolation(Violation(() => Rules().CheckCertificate(root.Parsed())), CertificateReasons.Expired, "KER-PCM-004");
    }

    [Fact]
    public void UploadRejectsFutureDatedCertificate()
    {
        var root = EcRoot("Future", o =>
        {
            o.NotBefore = _clock.GetUtcNow().AddDays(2);
            o.NotAfter = _clock.GetUtcNow().AddYears(5);
        });

        AssertViolation(Violation(() => Rules().CheckCertificate(root.Parsed())), CertificateReasons.NotYetValid, "KER-PMS-020");
    }

    [Fact]
    public void UploadRejectsCertificateThatBecameExpiredAsTimePassed()
    {
        var root = EcRoot("Ages", o => o.NotAfter = _clock.GetUtcNow().AddYears(2));
        var parsed = root.Parsed();
        Assert.Equal(CaCertificateKind.Root, Rules().CheckCertificate(parsed).Accepted());

        _clock.Advance(TimeSpan.FromDays(2 * 366));

        AssertViolation(Violation(() => Rules().CheckCertificate(parsed)), CertificateReasons.Expired, "KER-PCM-004");
    }

    [Fact]
    public void UploadRejectsCertificateWithLessThanTheMinimumValidityLeft()
    {
        var root = EcRoot("Short", o => o.NotAfter = _clock.GetUtcNow().AddDays(300));

        var violation = Violation(() => Rules().CheckCertificate(root.Parsed()));

        AssertViolation(violation, CertificateReasons.ValidityTooShort, "KER-PCM-017");
        Assert.Contains("365", violation.Message);
    }

    [Fact]
    public void MinimumRemainingValidityIsConfigurable()
    {
        var root = EcRoot("Short", o => o.NotAfter = _clock.GetUtcNow().AddDays(300));

        Assert.Equal(CaCertificateKind.Root, Rules(TimeSpan.FromDays(200)).CheckCertificate(root.Parsed()).Accepted());
    }

    [Fact]
    public void UploadRejectsCertificateThatIsNotACa()
    {
        var leaf = EcRoot("Root").IssueLeaf("Leaf", Ec);

        var violation = Violation(() => Rules().CheckCertificate(leaf.Parsed()));

        AssertViolation(violation, CertificateReasons.NotACaCertificate, "");
        Assert.Contains("CA:FALSE", violation.Message);
    }

    [Fact]
    public void UploadRejectsCertificateWithoutBasicConstraints()
    {
        var root = EcRoot("No BC", o => o.OmitBasicConstraints = true);

        var violation = Violation(() => Rules().CheckCertificate(root.Parsed()));

        AssertViolation(violation, CertificateReasons.NotACaCertificate, "");
        Assert.Contains("no basicConstraints", violation.Message);
    }

    [Fact]
    public void UploadRejectsCaWhoseKeyUsageLacksKeyCertSign()
    {
        var root = EcRoot("No KCS", o => o.WithoutKeyCertSign = true);

        AssertViolation(Violation(() => Rules().CheckCertificate(root.Parsed())), CertificateReasons.KeyCertSignMissing, "");
    }

    [Fact]
    public void UploadAcceptsCaWithoutKeyUsageExtension()
    {
        var root = EcRoot("No KU", o => o.OmitKeyUsage = true);

        Assert.Equal(CaCertificateKind.Root, Rules().CheckCertificate(root.Parsed()).Accepted());
    }

    [Fact]
    public void UploadRejectsSelfSignedCertificateWhoseSignatureDoesNotVerify()
    {
        var forged = EcRoot("Forged Root", o => o.BreakSignature = true);

        var violation = Violation(() => Rules().CheckCertificate(forged.Parsed()));

        AssertViolation(violation, CertificateReasons.InvalidSignature, "KER-PCM-001");
    }

    [Fact]
    public void UploadRejectsUnknownCriticalExtension()
    {
        var root = EcRoot("Crit", o =>
            o.Extensions.Add((new Org.BouncyCastle.Asn1.DerObjectIdentifier("1.3.6.1.4.1.99999.7"), true, Org.BouncyCastle.Asn1.DerNull.Instance)));

        AssertViolation(Violation(() => Rules().CheckCertificate(root.Parsed())), CertificateReasons.UnsupportedCriticalExtension, "");
    }

    [Fact]
    public void UploadOfIntermediateChainsToStoredRoot()
    {
        var root = EcRoot("Root");
        var intermediate = root.Issue("Intermediate", Ec);
        var rootEntry = root.AsRoot();

        var decision = Rules().Check(intermediate.Parsed(), Store(rootEntry)).Accepted();

        Assert.Equal(CaCertificateKind.Intermediate, decision.Kind);
        Assert.Equal(rootEntry.Id, decision.IssuerId);
        Assert.Equal([rootEntry.Id], decision.Path!.StoredIds);
    }

    [Fact]
    public void UploadOfAStoredCertificateIsAlreadyExistsBeforeAnyOtherRule()
    {
        // Expired too: the duplicate is named first, as MOSIP does.
        var root = EcRoot("Root", o => { o.NotBefore = _clock.GetUtcNow().AddYears(-3); o.NotAfter = _clock.GetUtcNow().AddDays(-1); });
        var stored = root.AsRoot();

        var violation = Violation(() => Rules().Check(root.Parsed(), Store(stored)));

        AssertViolation(violation, CertificateReasons.AlreadyExists, "KER-PCM-003");
        Assert.Equal(CertificateViolationKind.AlreadyExists, violation.Kind);
        Assert.Contains(stored.Id.ToString(), violation.Message);
    }

    [Fact]
    public void UploadOfRootNeedsNoPath()
    {
        var decision = Rules().Check(EcRoot("Root").Parsed(), Store()).Accepted();

        Assert.Equal(CaCertificateKind.Root, decision.Kind);
        Assert.Null(decision.Path);
        Assert.Null(decision.IssuerId);
    }

    [Fact]
    public void UploadRejectsIntermediateBeforeItsRoot()
    {
        var root = EcRoot("Missing Root", o => o.Organization = "Acme");
        var intermediate = root.Issue("Intermediate", Ec);

        var violation = Violation(() => Rules().Check(intermediate.Parsed(), Store()));

        AssertViolation(violation, CertificateReasons.RootCaNotFound, "KER-PCM-005");
        Assert.Equal(CertificateReasons.IssuerNotTrusted, violation.Cause);
        Assert.Equal(CertificateViolationKind.FailedPrecondition, violation.Kind);
        Assert.Contains("CN=Missing Root,O=Acme", violation.Message);
    }

    [Fact]
    public void UploadRejectsIntermediateWhoseRootIsInAnotherDomainOnly()
    {
        var root = EcRoot("Device Root");
        var otherRoot = EcRoot("FTM Root");
        var intermediate = root.Issue("Intermediate", Ec);

        var violation = Violation(() => Rules().Check(intermediate.Parsed(), Store(otherRoot.AsRoot())));

        AssertViolation(violation, CertificateReasons.RootCaNotFound, "KER-PCM-005");
        Assert.Equal(CertificateReasons.IssuerNotTrusted, violation.Cause);
        Assert.Contains("CN=Device Root", violation.Message);
    }

    [Fact]
    public void UploadRejectsIntermediateNamingStoredRootButSignedByAnotherKey()
    {
        var root = EcRoot("Root");
        var forged = root.Issue("Intermediate", o => { o.KeyType = TestKeyType.EcP256; o.BreakSignature = true; });

        var violation = Violation(() => Rules().Check(forged.Parsed(), Store(root.AsRoot())));

        AssertViolation(violation, CertificateReasons.RootCaNotFound, "KER-PCM-005");
        Assert.Equal(CertificateReasons.InvalidSignature, violation.Cause);
    }

    [Fact]
    public void BundleIsOrderedRootFirst()
    {
        var root = TestCertificates.Root("Root", o => o.KeyType = TestKeyType.EcP256);
        var first = root.Issue("First", o => o.KeyType = TestKeyType.EcP256);
        var second = first.Issue("Second", o => o.KeyType = TestKeyType.EcP256);
        var parsed = CertificateParser.Parse(System.Text.Encoding.ASCII.GetBytes(TestCertificates.BundlePem(second, first, root))).Accepted();

        var ordered = CertificateBundle.OrderRootFirst(parsed);

        Assert.Equal(["CN=Root,O=PMS Test", "CN=First,O=PMS Test", "CN=Second,O=PMS Test"], ordered.Select(c => c.Subject));
    }

    [Fact]
    public void BundleProcessedRootFirstAgainstAGrowingStoreAcceptsEveryCertificate()
    {
        var root = TestCertificates.Root("Root", o => o.KeyType = TestKeyType.EcP256);
        var first = root.Issue("First", o => o.KeyType = TestKeyType.EcP256);
        var second = first.Issue("Second", o => o.KeyType = TestKeyType.EcP256);
        var parsed = CertificateParser.Parse(TestCertificates.Pkcs7Der(second, root, first)).Accepted();

        var store = Store();
        foreach (var certificate in CertificateBundle.OrderRootFirst(parsed))
        {
            var decision = Rules().Check(certificate, store).Accepted();
            store = store.With(new TrustStoreEntry(Guid.NewGuid(), certificate, decision.Kind));
        }

        Assert.Equal(3, store.Count);
        Assert.Equal(2, store.GetStoredIssuerChain(store.Entries[^1].Id).Count);
    }

    [Fact]
    public void ViolationCarriesItsKindForTheGrpcLayer()
    {
        var violation = Violation(() => Rules().CheckCertificate(EcRoot("V1", o => o.Version = 1).Parsed()));

        Assert.Equal(CertificateViolationKind.InvalidArgument, violation.Kind);
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, Pms.Grpc.Errors.CertificateRefusals.ToRefusal(violation).StatusCode);
    }

    [Fact]
    public void KeyUsageFlagsUsedByTheGeneratorMatchRfc5280Bits()
    {
        // Guards the generator: keyCertSign is RFC 5280 bit 5.
        var root = EcRoot("KU", o => o.KeyUsage = KeyUsage.KeyCertSign);

        Assert.True(root.Certificate.GetKeyUsage()![5]);
    }
}
