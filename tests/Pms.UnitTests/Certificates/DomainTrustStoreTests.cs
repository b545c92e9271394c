using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

public class DomainTrustStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static TestCertificate NewRoot(string name = "Root", Action<CertificateOptions>? configure = null) =>
        TestCertificates.Root(name, o => { o.KeyType = TestKeyType.EcP256; configure?.Invoke(o); });

    private static Action<CertificateOptions> Ec(Action<CertificateOptions>? configure = null) =>
        o => { o.KeyType = TestKeyType.EcP256; configure?.Invoke(o); };

    [Fact]
    public void PathGoesFromLeafThroughStoredIntermediateToRoot()
    {
        var root = NewRoot();
        var intermediate = root.Issue("Intermediate", Ec());
        var leaf = intermediate.IssueLeaf("Leaf", Ec());
        var rootEntry = root.AsRoot();
        var intermediateEntry = intermediate.AsIntermediate();

        var result = Store(rootEntry, intermediateEntry).BuildPath(leaf.Parsed(), Now);

        Assert.True(result.IsTrusted, result.Reason);
        Assert.Equal([intermediateEntry.Id, rootEntry.Id], result.StoredIds);
        Assert.Equal(["CN=Intermediate,O=PMS Test", "CN=Root,O=PMS Test"], result.Chain.Select(e => e.Certificate.Subject));
        Assert.Equal(intermediateEntry.Id, result.IssuerId);
        Assert.Contains("Trusted", result.Reason);
    }

    [Fact]
    public void PathUsesIntermediateSentAlongWithTheLeaf()
    {
        var root = NewRoot();
        var intermediate = root.Issue("Intermediate", Ec());
        var leaf = intermediate.IssueLeaf("Leaf", Ec());
        var rootEntry = root.AsRoot();

        var result = Store(rootEntry).BuildPath(leaf.Parsed(), [intermediate.Parsed()], Now);

        Assert.True(result.IsTrusted, result.Reason);
        Assert.Null(result.Chain[0].StoredId);
        Assert.Equal([rootEntry.Id], result.StoredIds);
        Assert.Null(result.IssuerId);
    }

    [Fact]
    public void PathFailsWhenIntermediateIsMissing()
    {
        var root = NewRoot();
        var intermediate = root.Issue("Missing Intermediate", Ec());
        var leaf = intermediate.IssueLeaf("Leaf", Ec());

        var result = Store(root.AsRoot()).BuildPath(leaf.Parsed(), Now);

        Assert.False(result.IsTrusted);
        Assert.Equal(CertificateReasons.IssuerNotTrusted, result.Failure!.Reason);
        Assert.Equal(CertificateViolationKind.FailedPrecondition, result.Failure.Kind);
        Assert.Contains("CN=Missing Intermediate,O=PMS Test", result.Reason);
        Assert.Empty(result.Chain);
    }

    [Fact]
    public void PathFailsThroughExpiredIntermediate()
    {
        var root = NewRoot();
        var intermediate = root.Issue("Old Intermediate", Ec(o => { o.NotBefore = Now.AddYears(-3); o.NotAfter = Now.AddDays(-1); }));
        var leaf = intermediate.IssueLeaf("Leaf", Ec(o => o.NotBefore = Now.AddYears(-2)));

        var extra = Store(root.AsRoot()).BuildPath(leaf.Parsed(), [intermediate.Parsed()], Now);
        var stored = Store(root.AsRoot(), intermediate.AsIntermediate()).BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.Expired, extra.Failure!.Reason);
        Assert.Contains("Old Intermediate", extra.Reason);
        Assert.Equal(CertificateReasons.Expired, stored.Failure!.Reason);
    }

    [Fact]
    public void PathFailsForExpiredLeafAndForLeafNotYetValid()
    {
        var root = NewRoot();
        var expired = root.IssueLeaf("Expired", Ec(o => { o.NotBefore = Now.AddYears(-2); o.NotAfter = Now.AddDays(-1); }));
        var future = root.IssueLeaf("Future", Ec(o => o.NotBefore = Now.AddDays(1)));
        var store = Store(root.AsRoot());

        Assert.Equal(CertificateReasons.Expired, store.BuildPath(expired.Parsed(), Now).Failure!.Reason);
        Assert.Equal(CertificateReasons.NotYetValid, store.BuildPath(future.Parsed(), Now).Failure!.Reason);
    }

    [Fact]
    public void PathIsCheckedAtTheGivenTime()
    {
        var root = NewRoot(configure: o => o.NotAfter = Now.AddYears(3));
        var leaf = root.IssueLeaf("Leaf", Ec(o => o.NotAfter = Now.AddYears(5)));
        var store = Store(root.AsRoot());

        Assert.True(store.BuildPath(leaf.Parsed(), Now.AddYears(2)).IsTrusted);
        var later = store.BuildPath(leaf.Parsed(), Now.AddYears(4));
        Assert.Equal(CertificateReasons.Expired, later.Failure!.Reason);
        Assert.Contains("ROOT", later.Reason);
    }

    [Fact]
    public void PathRespectsPathLenZeroWithLeafDirectlyBelow()
    {
        var root = NewRoot();
        var constrained = root.Issue("Constrained", Ec(o => o.PathLength = 0));
        var leaf = constrained.IssueLeaf("Leaf", Ec());

        Assert.True(Store(root.AsRoot(), constrained.AsIntermediate()).BuildPath(leaf.Parsed(), Now).IsTrusted);
    }

    [Fact]
    public void PathRefusesIntermediateBelowAPathLenZeroIntermediate()
    {
        var root = NewRoot();
        var constrained = root.Issue("Constrained", Ec(o => o.PathLength = 0));
        var below = constrained.Issue("Below", Ec());
        var leaf = below.IssueLeaf("Leaf", Ec());

        var extras = Store(root.AsRoot(), constrained.AsIntermediate()).BuildPath(leaf.Parsed(), [below.Parsed()], Now);
        var allStored = Store(root.AsRoot(), constrained.AsIntermediate(), below.AsIntermediate()).BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.PathLengthExceeded, extras.Failure!.Reason);
        Assert.Contains("Constrained", extras.Reason);
        Assert.Equal(CertificateReasons.PathLengthExceeded, allStored.Failure!.Reason);
    }

    [Fact]
    public void PathRespectsPathLenOnTheRoot()
    {
        var root = NewRoot(configure: o => o.PathLength = 1);
        var first = root.Issue("First", Ec());
        var second = first.Issue("Second", Ec());
        var store = Store(root.AsRoot());

        Assert.True(store.BuildPath(first.IssueLeaf("Leaf 1", Ec()).Parsed(), [first.Parsed()], Now).IsTrusted);
        var tooDeep = store.BuildPath(second.IssueLeaf("Leaf 2", Ec()).Parsed(), [first.Parsed(), second.Parsed()], Now);
        Assert.Equal(CertificateReasons.PathLengthExceeded, tooDeep.Failure!.Reason);
    }

    [Fact]
    public void PathFailsWhenOnlyAnotherDomainsRootIssuedIt()
    {
        var deviceRoot = NewRoot("Device Root");
        var ftmRoot = NewRoot("FTM Root");
        var leaf = deviceRoot.IssueLeaf("Leaf", Ec());

        var result = Store(ftmRoot.AsRoot()).BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.IssuerNotTrusted, result.Failure!.Reason);
        Assert.Contains("CN=Device Root", result.Reason);
    }

    [Fact]
    public void PathFailsOnEmptyStore()
    {
        var leaf = NewRoot().IssueLeaf("Leaf", Ec());

        var result = DomainTrustStore.Empty("AUTH").BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.IssuerNotTrusted, result.Failure!.Reason);
        Assert.Equal(CertificateViolationKind.FailedPrecondition, result.Failure.Kind);
        Assert.Contains("AUTH", result.Reason);
    }

    [Fact]
    public void PathPicksTheRightOfTwoCasWithTheSameNameByKeyIdentifier()
    {
        var oldRoot = NewRoot("Shared Name", o => o.NotAfter = Now.AddYears(20));
        var newRoot = NewRoot("Shared Name");
        var leaf = newRoot.IssueLeaf("Leaf", Ec());
        var oldEntry = oldRoot.AsRoot();
        var newEntry = newRoot.AsRoot();

        var result = Store(oldEntry, newEntry).BuildPath(leaf.Parsed(), Now);

        Assert.True(result.IsTrusted, result.Reason);
        Assert.Equal([newEntry.Id], result.StoredIds);
    }

    [Fact]
    public void PathPicksTheRightOfTwoCasWithTheSameNameBySignatureWhenThereAreNoKeyIdentifiers()
    {
        // The CA tried first (later notAfter) has the wrong key: the builder must go on to the other one.
        var wrong = NewRoot("Shared Name", o => { o.NotAfter = Now.AddYears(20); o.OmitSubjectKeyIdentifier = true; o.OmitAuthorityKeyIdentifier = true; });
        var right = NewRoot("Shared Name", o => { o.OmitSubjectKeyIdentifier = true; o.OmitAuthorityKeyIdentifier = true; });
        var intermediate = right.Issue("Intermediate", Ec(o => o.OmitAuthorityKeyIdentifier = true));
        var leaf = intermediate.IssueLeaf("Leaf", Ec());
        var wrongEntry = wrong.AsRoot();
        var rightEntry = right.AsRoot();
        var intermediateEntry = intermediate.AsIntermediate();

        var viaExtra = Store(wrongEntry, rightEntry).BuildPath(leaf.Parsed(), [intermediate.Parsed()], Now);
        var viaStored = Store(wrongEntry, rightEntry, intermediateEntry).BuildPath(leaf.Parsed(), Now);

        Assert.True(viaExtra.IsTrusted, viaExtra.Reason);
        Assert.Equal([rightEntry.Id], viaExtra.StoredIds);
        Assert.True(viaStored.IsTrusted, viaStored.Reason);
        Assert.Equal([intermediateEntry.Id, rightEntry.Id], viaStored.StoredIds);
    }

    [Fact]
    public void PathTriesTheSecondIntermediateWhenTheFirstHasExpired()
    {
        var root = NewRoot();
        var key = TestCertificates.GenerateKey(TestKeyType.EcP256);
        var expired = root.Issue("Intermediate", o => { o.KeyPair = key; o.NotBefore = Now.AddYears(-3); o.NotAfter = Now.AddDays(-1); });
        var renewed = root.Issue("Intermediate", o => o.KeyPair = key);
        var leaf = renewed.IssueLeaf("Leaf", Ec());
        var renewedEntry = renewed.AsIntermediate();

        var result = Store(root.AsRoot(), expired.AsIntermediate(), renewedEntry).BuildPath(leaf.Parsed(), Now);

        Assert.True(result.IsTrusted, result.Reason);
        Assert.Equal(renewedEntry.Id, result.IssuerId);
    }

    [Fact]
    public void PathRefusesIntermediateThatIsNotACa()
    {
        var root = NewRoot();
        var notCa = root.Issue("Not A CA", Ec(o => o.IsCa = false));
        var leaf = notCa.IssueLeaf("Leaf", Ec());

        var result = Store(root.AsRoot()).BuildPath(leaf.Parsed(), [notCa.Parsed()], Now);

        Assert.Equal(CertificateReasons.IssuerNotCa, result.Failure!.Reason);
    }

    [Fact]
    public void PathRefusesIntermediateWithoutKeyCertSign()
    {
        var root = NewRoot();
        var noSign = root.Issue("No KeyCertSign", Ec(o => o.WithoutKeyCertSign = true));
        var leaf = noSign.IssueLeaf("Leaf", Ec());

        var result = Store(root.AsRoot()).BuildPath(leaf.Parsed(), [noSign.Parsed()], Now);

        Assert.Equal(CertificateReasons.KeyCertSignMissing, result.Failure!.Reason);
    }

    [Fact]
    public void PathRefusesLeafWhoseSignatureDoesNotVerify()
    {
        var root = NewRoot();
        var forged = root.IssueLeaf("Forged", Ec(o => o.BreakSignature = true));

        var result = Store(root.AsRoot()).BuildPath(forged.Parsed(), Now);

        Assert.Equal(CertificateReasons.InvalidSignature, result.Failure!.Reason);
    }

    [Fact]
    public void PathRefusesLeafSignedWithSha1()
    {
        var root = TestCertificates.Root("Rsa Root");
        var leaf = root.IssueLeaf("Sha1 Leaf", o => o.SignatureAlgorithm = "SHA1WITHRSA");

        var result = Store(root.AsRoot()).BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.WeakSignatureAlgorithm, result.Failure!.Reason);
    }

    [Fact]
    public void StoredRootIsTrustedOnItsOwn()
    {
        var root = NewRoot();
        var entry = root.AsRoot();

        var result = Store(entry).BuildPath(root.Parsed(), Now);

        Assert.True(result.IsTrusted);
        Assert.Equal([entry.Id], result.StoredIds);
        Assert.Contains("ROOT", result.Reason);
    }

    [Fact]
    public void SelfSignedCertificateThatIsNotStoredIsNotTrusted()
    {
        var stranger = NewRoot("Stranger");

        var result = Store(NewRoot().AsRoot()).BuildPath(stranger.Parsed(), Now);

        Assert.Equal(CertificateReasons.IssuerNotTrusted, result.Failure!.Reason);
    }

    [Fact]
    public void PathDepthIsBounded()
    {
        var root = NewRoot();
        var chain = new List<TestCertificate>();
        var issuer = root;
        for (var i = 0; i < TrustPathLimits.MaxDepth + 1; i++)
        {
            issuer = issuer.Issue($"Level {i}", Ec());
            chain.Add(issuer);
        }

        var leaf = issuer.IssueLeaf("Deep Leaf", Ec());
        var store = Store([root.AsRoot(), .. chain.Select(c => c.AsIntermediate())]);

        var result = store.BuildPath(leaf.Parsed(), Now);

        Assert.Equal(CertificateReasons.PathTooLong, result.Failure!.Reason);
    }

    [Fact]
    public void CrossSignedLoopWithoutRootEndsInFailure()
    {
        // A and B certify each other; neither reaches a root.
        var keyA = TestCertificates.GenerateKey(TestKeyType.EcP256);
        var keyB = TestCertificates.GenerateKey(TestKeyType.EcP256);
        var selfA = TestCertificates.Root("A", o => o.KeyPair = keyA);
        var selfB = TestCertificates.Root("B", o => o.KeyPair = keyB);
        var aByB = selfB.Issue("A", o => o.KeyPair = keyA);
        var bByA = selfA.Issue("B", o => o.KeyPair = keyB);
        var leaf = aByB.IssueLeaf("Leaf", Ec());
        var store = Store(NewRoot("Unrelated").AsRoot(), aByB.AsIntermediate(), bByA.AsIntermediate());

        var result = store.BuildPath(leaf.Parsed(), [aByB.Parsed(), bByA.Parsed()], Now);

        Assert.False(result.IsTrusted);
    }

    [Fact]
    public void TooManyExtraIntermediatesAreRefused()
    {
        var root = NewRoot();
        var leaf = root.IssueLeaf("Leaf", Ec());
        var extras = Enumerable.Repeat(root.Parsed(), TrustPathLimits.MaxExtraIntermediates + 1).ToArray();

        var result = Store(root.AsRoot()).BuildPath(leaf.Parsed(), extras, Now);

        Assert.Equal(CertificateReasons.PathTooLong, result.Failure!.Reason);
    }

    [Fact]
    public void StoredIssuerChainFollowsVerifiedSignaturesToTheRoot()
    {
        var root = NewRoot();
        var first = root.Issue("First", Ec());
        var second = first.Issue("Second", Ec());
        var rootEntry = root.AsRoot();
        var firstEntry = first.AsIntermediate();
        var secondEntry = second.AsIntermediate();
        var store = Store(secondEntry, rootEntry, firstEntry);

        Assert.Equal([firstEntry.Id, rootEntry.Id], store.GetStoredIssuerChain(secondEntry.Id).Select(e => e.Id));
        Assert.Empty(store.GetStoredIssuerChain(rootEntry.Id));
        Assert.Same(secondEntry, store.FindByThumbprint(secondEntry.Certificate.ThumbprintSha256));
        Assert.Same(firstEntry, store.FindById(firstEntry.Id));
        Assert.True(store.HasRoot);
    }

    [Fact]
    public void StoreRefusesTheSameIdTwice()
    {
        var entry = NewRoot().AsRoot();

        Assert.Throws<ArgumentException>(() => Store(entry, entry with { }));
    }

    [Fact]
    public void PathBuildingIsSafeAcrossThreads()
    {
        var root = NewRoot();
        var intermediate = root.Issue("Intermediate", Ec());
        var store = Store(root.AsRoot(), intermediate.AsIntermediate());
        var leaves = Enumerable.Range(0, 8).Select(i => intermediate.IssueLeaf($"Leaf {i}", Ec()).Parsed()).ToArray();

        var results = leaves.AsParallel().SelectMany(l => Enumerable.Range(0, 5).Select(_ => store.BuildPath(l, Now))).ToArray();

        Assert.All(results, r => Assert.True(r.IsTrusted, r.Reason));
    }
}
