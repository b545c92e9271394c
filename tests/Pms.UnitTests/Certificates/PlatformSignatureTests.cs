using Pms.Testing;

namespace Pms.UnitTests.Certificates;

/// <summary>
/// Signatures are checked by the platform (OpenSSL) for RSA and ECDSA with SHA-2 and by BouncyCastle for the rest;
/// whichever checks, the verdict is BouncyCastle's own.
/// </summary>
public class PlatformSignatureTests
{
    public static TheoryData<TestKeyType, string> Algorithms => new()
    {
        { TestKeyType.Rsa2048, "SHA256WITHRSA" },
        { TestKeyType.Rsa3072, "SHA384WITHRSA" },
        { TestKeyType.Rsa2048, "SHA512WITHRSA" },
        { TestKeyType.Rsa2048, "SHA256WITHRSAANDMGF1" },
        { TestKeyType.Rsa2048, "SHA1WITHRSA" },
        { TestKeyType.EcP256, "SHA256WITHECDSA" },
        { TestKeyType.EcP384, "SHA384WITHECDSA" },
        { TestKeyType.EcP521, "SHA512WITHECDSA" },
        { TestKeyType.EcSecp256k1, "SHA256WITHECDSA" },
        { TestKeyType.Ed25519, "Ed25519" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GoodForgedAndWronglyAttributedSignaturesGetBouncyCastlesVerdict(TestKeyType keyType, string signatureAlgorithm)
    {
        var root = TestCertificates.Root("Platform Root", o => o.KeyType = keyType);
        var other = TestCertificates.Root("Platform Root", o => o.KeyType = keyType);
        var good = root.IssueLeaf("good", o => (o.KeyType, o.SignatureAlgorithm) = (TestKeyType.EcP256, signatureAlgorithm));
        var forged = root.IssueLeaf("forged", o => (o.KeyType, o.SignatureAlgorithm, o.BreakSignature) = (TestKeyType.EcP256, signatureAlgorithm, true));

        foreach (var (leaf, issuer) in new[] { (good, root), (forged, root), (good, other) })
        {
            var expected = BouncyCastleVerifies(leaf, issuer);
            Assert.Equal(expected, leaf.Parsed().IsSignedBy(issuer.Parsed()));
        }

        Assert.True(good.Parsed().IsSignedBy(root.Parsed()));
    }

    [Fact]
    public void AnRsaSignatureDoesNotVerifyWithAnEcKeyOfTheSameName()
    {
        var rsaRoot = TestCertificates.Root("Mixed Root", o => o.KeyType = TestKeyType.Rsa2048);
        var ecRoot = TestCertificates.Root("Mixed Root", o => o.KeyType = TestKeyType.EcP256);
        var leaf = rsaRoot.IssueLeaf("leaf", o => o.KeyType = TestKeyType.EcP256);

        Assert.False(leaf.Parsed().IsSignedBy(ecRoot.Parsed()));
        Assert.True(leaf.Parsed().IsSignedBy(rsaRoot.Parsed()));
    }

    [Theory]
    [InlineData(TestKeyType.Rsa2048)]
    [InlineData(TestKeyType.EcP256)]
    public void OneIssuerChecksManyLeavesAtOnceWithTheSameVerdictsAsOneByOne(TestKeyType keyType)
    {
        // An intermediate of the trust store checks nearly every leaf asked about, from every request thread at once.
        var issuer = TestCertificates.Root("Shared Issuer", o => o.KeyType = keyType);
        var parsedIssuer = issuer.Parsed();
        var leaves = Enumerable.Range(0, 48).Select(i => issuer.IssueLeaf($"leaf {i}", o =>
            (o.KeyType, o.BreakSignature) = (TestKeyType.EcP256, i % 3 == 0)).Parsed()).ToArray();

        var verdicts = new bool[leaves.Length * 8];
        Parallel.For(0, verdicts.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            i => verdicts[i] = leaves[i % leaves.Length].IsSignedBy(parsedIssuer));

        for (var i = 0; i < verdicts.Length; i++)
        {
            Assert.True(verdicts[i] == (i % leaves.Length % 3 != 0),
                $"Leaf {i % leaves.Length} ({(i % leaves.Length % 3 == 0 ? "broken" : "good")} signature) was judged {verdicts[i]} when checked concurrently.");
        }
    }

    private static bool BouncyCastleVerifies(TestCertificate leaf, TestCertificate issuer)
    {
        try
        {
            leaf.Certificate.Verify(issuer.Certificate.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Crypto.CryptoException
            or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
