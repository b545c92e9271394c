using System.Text;
using Pms.Grpc.Certificates;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Errors;
using Pms.Grpc.TrustStore;
using Pms.Testing;
using Pms.UnitTests.Certificates;

namespace Pms.UnitTests.TrustStore;

/// <summary>
/// What VerifyCertificateTrust adds to the engine's path building: the input checks, the leaf picked out of a
/// bundle, the validation time, and the reason codes an untrusted answer carries.
/// </summary>
public class TrustVerifierTests
{
    private static readonly TestCertificate Root = TestCertificates.Root("Verifier Root", o => o.KeyType = TestKeyType.EcP256);
    private static readonly TestCertificate Intermediate = Root.Issue("Verifier Sub CA", o => (o.KeyType, o.PathLength) = (TestKeyType.EcP256, 0));
    private static readonly TrustStoreEntry RootEntry = Root.AsRoot();
    private static readonly TrustStoreEntry IntermediateEntry = Intermediate.AsIntermediate();

    private static TrustVerifier Verifier(params TrustStoreEntry[] entries) =>
        new(new FixedAnchors(CertificateTestHelpers.Store(entries)), CertificateTestHelpers.Clock());

    private static TrustVerifier Verifier() => Verifier(RootEntry, IntermediateEntry);

    private static ReadOnlyMemory<byte> Data(params TestCertificate[] certificates) => Encoding.ASCII.GetBytes(TestCertificates.BundlePem(certificates));

    private static TestCertificate Leaf(Action<CertificateOptions>? configure = null) =>
        Intermediate.IssueLeaf("verifier leaf", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task ATrustedLeafListsTheStoredPathIssuerFirst()
    {
        var verdict = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(Leaf()), null, default);

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(new[] { IntermediateEntry.Id, RootEntry.Id }, verdict.Chain);
        Assert.Equal(("", ""), (verdict.ReasonCode, verdict.MosipErrorCode));
    }

    [Fact]
    public async Task TheLeafIsFoundWhereverItSitsInTheBundleAndSentIntermediatesAreNotListed()
    {
        var verdict = await Verifier(RootEntry).VerifyAsync(PartnerDomain.Ftm, Data(Intermediate, Leaf()), null, default);

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(new[] { RootEntry.Id }, verdict.Chain);
    }

    [Fact]
    public async Task AnEmptyTrustStoreIsNoTrustedCaForDomain()
    {
        var verdict = await Verifier([]).VerifyAsync(PartnerDomain.Ftm, Data(Leaf()), null, default);

        Assert.False(verdict.Trusted);
        Assert.Equal(("NO_TRUSTED_CA_FOR_DOMAIN", "KER-PCM-006"), (verdict.ReasonCode, verdict.MosipErrorCode));
        Assert.Contains("FTM", verdict.Reason);
    }

    [Fact]
    public async Task TheCertificatesOwnValidityKeepsItsOwnReason()
    {
        var now = DateTimeOffset.UtcNow;
        var expired = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(Leaf(o => (o.NotBefore, o.NotAfter) = (now.AddDays(-30), now.AddDays(-1)))), null, default);
        Assert.Equal(("CERTIFICATE_EXPIRED", "KER-PCM-004"), (expired.ReasonCode, expired.MosipErrorCode));

        var future = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(Leaf(o => o.NotBefore = now.AddDays(1))), null, default);
        Assert.Equal(("CERTIFICATE_NOT_YET_VALID", "KER-PMS-020"), (future.ReasonCode, future.MosipErrorCode));

        var sha1 = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(Leaf(o => o.SignatureAlgorithm = "SHA1WITHECDSA")), null, default);
        Assert.Equal(("SIGNATURE_ALGORITHM_NOT_ALLOWED", "KER-PCM-014"), (sha1.ReasonCode, sha1.MosipErrorCode));
    }

    [Fact]
    public async Task ABrokenLinkAboveTheCertificateIsTrustPathNotFoundWithItsCauseInTheReason()
    {
        var now = DateTimeOffset.UtcNow;
        var shortLived = Root.Issue("Short-lived Sub CA", o => (o.KeyType, o.NotAfter) = (TestKeyType.EcP256, now.AddDays(10)));
        var leaf = shortLived.IssueLeaf("outliving leaf", o => (o.KeyType, o.NotAfter) = (TestKeyType.EcP256, now.AddDays(100)));
        var verifier = Verifier(RootEntry, shortLived.AsIntermediate());

        Assert.True((await verifier.VerifyAsync(PartnerDomain.Ftm, Data(leaf), null, default)).Trusted);
        var later = await verifier.VerifyAsync(PartnerDomain.Ftm, Data(leaf), now.AddDays(20), default);
        Assert.False(later.Trusted);
        Assert.Equal(("TRUST_PATH_NOT_FOUND", "KER-PCM-006"), (later.ReasonCode, later.MosipErrorCode));
        Assert.Contains("expired", later.Reason);

        // pathLenConstraint 0 on the stored intermediate: a CA below it may not issue.
        var tooDeep = Intermediate.Issue("Too Deep Sub CA", o => o.KeyType = TestKeyType.EcP256);
        var deepLeaf = tooDeep.IssueLeaf("deep", o => o.KeyType = TestKeyType.EcP256);
        var deep = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(deepLeaf, tooDeep), null, default);
        Assert.Equal("TRUST_PATH_NOT_FOUND", deep.ReasonCode);
        Assert.Contains("pathLenConstraint", deep.Reason);

        var stranger = TestCertificates.Root("Stranger Root", o => o.KeyType = TestKeyType.EcP256).IssueLeaf("stranger", o => o.KeyType = TestKeyType.EcP256);
        var unknown = await Verifier().VerifyAsync(PartnerDomain.Ftm, Data(stranger), null, default);
        Assert.Equal("TRUST_PATH_NOT_FOUND", unknown.ReasonCode);
        Assert.Contains("Stranger Root", unknown.Reason);
    }

    [Fact]
    public async Task OnlyInputThatIsNoCertificateOrNoDomainIsRefused()
    {
        var missingDomain = await Assert.ThrowsAsync<PmsException>(() => Verifier().VerifyAsync(null, Data(Leaf()), null, default));
        Assert.Equal(("VALIDATION_FAILED", "KER-PCM-011"), (missingDomain.Reason, missingDomain.MosipErrorCode));
        Assert.Equal("partner_domain", Assert.Single(missingDomain.FieldViolations).Field);

        var tooLarge = await Assert.ThrowsAsync<PmsException>(() =>
            Verifier().VerifyAsync(PartnerDomain.Ftm, new byte[CertificateParser.MaxCertificateDataBytes + 1], null, default));
        Assert.Equal(("CERTIFICATE_DATA_TOO_LARGE", global::Grpc.Core.StatusCode.InvalidArgument), (tooLarge.Reason, tooLarge.StatusCode));

        var garbage = await Assert.ThrowsAsync<PmsException>(() =>
            Verifier().VerifyAsync(PartnerDomain.Ftm, "garbage"u8.ToArray(), null, default));
        Assert.Equal(("INVALID_CERTIFICATE", "KER-PCM-001", global::Grpc.Core.StatusCode.InvalidArgument),
            (garbage.Reason, garbage.MosipErrorCode, garbage.StatusCode));
    }

    [Fact]
    public async Task TheSameBytesAskedAgainGetTheRememberedAnswerUntilTheLeafExpires()
    {
        var clock = CertificateTestHelpers.Clock();
        var anchors = new SwitchableAnchors(CertificateTestHelpers.Store(RootEntry, IntermediateEntry));
        var verifier = new TrustVerifier(anchors, clock, cache: new TrustVerdictCache());
        var leaf = Leaf(o => o.NotAfter = clock.GetUtcNow().AddHours(1));

        var first = await verifier.VerifyAsync(PartnerDomain.Ftm, Data(leaf), null, default);
        var again = await verifier.VerifyAsync(PartnerDomain.Ftm, Data(leaf), null, default);
        Assert.True(first.Trusted, first.Reason);
        Assert.Same(first, again);

        clock.Advance(TimeSpan.FromHours(2));
        var later = await verifier.VerifyAsync(PartnerDomain.Ftm, Data(leaf), null, default);
        Assert.Equal(("CERTIFICATE_EXPIRED", "KER-PCM-004"), (later.ReasonCode, later.MosipErrorCode));
    }

    [Fact]
    public async Task AChangedTrustStoreIsNotAnsweredFromTheOldStoresAnswers()
    {
        var anchors = new SwitchableAnchors(CertificateTestHelpers.Store(RootEntry, IntermediateEntry));
        var verifier = new TrustVerifier(anchors, CertificateTestHelpers.Clock(), cache: new TrustVerdictCache());
        var data = Data(Leaf());
        Assert.True((await verifier.VerifyAsync(PartnerDomain.Ftm, data, null, default)).Trusted);

        anchors.Store = CertificateTestHelpers.Store(RootEntry); // the intermediate was deleted
        var verdict = await verifier.VerifyAsync(PartnerDomain.Ftm, data, null, default);

        Assert.False(verdict.Trusted);
        Assert.Equal("TRUST_PATH_NOT_FOUND", verdict.ReasonCode);
    }

    [Fact]
    public async Task AnAnswerAboutAnotherTimeIsNeitherTakenFromNorPutInTheCache()
    {
        var clock = CertificateTestHelpers.Clock();
        var verifier = new TrustVerifier(new FixedAnchors(CertificateTestHelpers.Store(RootEntry, IntermediateEntry)), clock, cache: new TrustVerdictCache());
        var data = Data(Leaf(o => o.NotAfter = clock.GetUtcNow().AddDays(10)));
        Assert.True((await verifier.VerifyAsync(PartnerDomain.Ftm, data, null, default)).Trusted);

        var inTwentyDays = await verifier.VerifyAsync(PartnerDomain.Ftm, data, clock.GetUtcNow().AddDays(20), default);

        Assert.Equal("CERTIFICATE_EXPIRED", inTwentyDays.ReasonCode);
        Assert.True((await verifier.VerifyAsync(PartnerDomain.Ftm, data, null, default)).Trusted);
    }

    private sealed class SwitchableAnchors(DomainTrustStore store) : ITrustAnchors
    {
        public DomainTrustStore Store { get; set; } = store;

        public ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken) => ValueTask.FromResult(Store);

        public void Invalidate(PartnerDomain domain)
        {
        }
    }

    private sealed class FixedAnchors(DomainTrustStore store) : ITrustAnchors
    {
        public ValueTask<DomainTrustStore> GetAsync(PartnerDomain domain, CancellationToken cancellationToken) => ValueTask.FromResult(store);

        public void Invalidate(PartnerDomain domain)
        {
        }
    }
}
