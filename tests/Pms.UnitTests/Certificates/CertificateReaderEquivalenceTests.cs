using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Pms.Grpc.Certificates;
using Pms.Testing;
using Xunit.Abstractions;

namespace Pms.UnitTests.Certificates;

/// <summary>
/// The platform reader (<c>DerCertificateReader</c>, the hot path) and BouncyCastle must say the same about every
/// certificate the platform reader accepts: same DER and thumbprint, names, validity, extensions, algorithms and
/// signature verdicts; and whatever the platform reader accepts BouncyCastle accepts too. Checked on certificates of
/// every kind the tests make, and on tens of thousands of damaged ones (bit flips, edited lengths, splices), many of
/// which still parse. Seeded: set PMS_FUZZ_SEED to replay.
/// </summary>
public sealed class CertificateReaderEquivalenceTests(ITestOutputHelper output)
{
    private const int Mutations = 12_000;

    [Fact]
    public void ThePlatformReaderReadsTheUsualCertificatesAsSentAndAgreesWithBouncyCastle()
    {
        var corpus = Corpus();
        var read = corpus.Where(c => c.Usual).ToList();
        Assert.NotEmpty(read);
        foreach (var (name, der, _) in read)
        {
            var platform = ParsedCertificate.TryRead(der);
            Assert.True(platform is not null, $"{name}: the platform reader left a usual certificate to BouncyCastle");
            Assert.Equal(der, platform!.Der.ToArray());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(der)), platform.ThumbprintSha256);
            AssertSame(name, ReadWithBouncyCastle(der)!, platform, Issuers(corpus));
        }
    }

    [Fact]
    public void UnusualCertificatesAreLeftToBouncyCastle()
    {
        foreach (var (name, der, _) in Corpus().Where(c => !c.Usual))
        {
            Assert.True(ParsedCertificate.TryRead(der) is null, $"{name}: expected the platform reader to leave it to BouncyCastle");
            Assert.NotNull(ReadWithBouncyCastle(der));
        }
    }

    [Fact]
    public void OnDamagedCertificatesThePlatformReaderNeverAcceptsWhatBouncyCastleRefusesAndAgreesOnTheRest()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PMS_FUZZ_SEED"), out var given) ? given : 20261130;
        output.WriteLine($"seed {seed} (replay with PMS_FUZZ_SEED={seed})");
        var corpus = Corpus();
        var issuers = Issuers(corpus);
        var mutator = new CertificateMutator(seed, [.. corpus.Select(c => (c.Name, c.Der))]);
        var (platformRead, bouncyCastleOnly, refused) = (0, 0, 0);
        var failures = new List<string>();
        for (var i = 0; i < Mutations && failures.Count < 5; i++)
        {
            var input = mutator.Next();
            var bouncyCastle = ReadWithBouncyCastle(input.Data);
            var platform = ParsedCertificate.TryRead(input.Data);
            try
            {
                if (platform is null)
                {
                    _ = bouncyCastle is null ? refused++ : bouncyCastleOnly++;
                    continue;
                }

                platformRead++;
                Assert.True(bouncyCastle is not null, "the platform reader accepted what BouncyCastle refuses");
                Assert.Equal(input.Data, bouncyCastle!.Der.ToArray());
                AssertSame(input.Origin, bouncyCastle, platform, issuers);
            }
            catch (Exception ex)
            {
                failures.Add($"#{i} {input.Origin}: {input.Mutation}: {ex.Message}\n{Convert.ToBase64String(input.Data)}");
            }
        }

        output.WriteLine($"{Mutations} damaged inputs: {platformRead} read by the platform reader, {bouncyCastleOnly} only by BouncyCastle, {refused} refused by both");
        Assert.True(failures.Count == 0, $"seed {seed}: the readers disagree:\n" + string.Join("\n\n", failures));
        Assert.True(platformRead > 100, $"only {platformRead} damaged certificates were read by the platform reader; the check says little");
    }

    private static void AssertSame(string name, ParsedCertificate expected, ParsedCertificate actual, IReadOnlyList<ParsedCertificate> issuers)
    {
        string Describe(ParsedCertificate c) => string.Join("\n", [
            c.ThumbprintSha256, c.Subject, c.Issuer, c.SubjectKey, c.IssuerKey, string.Join("|", c.Organizations), c.Organization ?? "-",
            c.CommonName ?? "-", c.SerialNumberHex, c.Version.ToString(), c.NotBefore.ToString("O"), c.NotAfter.ToString("O"),
            c.Key.Description, c.IsKeyAccepted.ToString(), c.SignatureAlgorithm, c.IsSignatureAlgorithmAccepted.ToString(),
            c.HasBasicConstraints.ToString(), c.IsCa.ToString(), c.PathLengthConstraint?.ToString() ?? "-", c.HasKeyUsage.ToString(),
            c.AllowsKeyCertSign.ToString(), c.UnsupportedCriticalExtension ?? "-", c.SubjectKeyIdentifierHex ?? "-",
            c.AuthorityKeyIdentifierHex ?? "-", c.IsSelfIssued.ToString(), c.IsSelfSigned.ToString(), c.ToPem(), c.ToString(),
            string.Concat(issuers.Select(i => c.IsSignedBy(i) ? "1" : "0")),
            string.Concat(issuers.Select(i => i.KeyIdentifierAllows(c) ? "1" : "0")),
        ]);

        Assert.True(Describe(expected) == Describe(actual),
            $"{name}: BouncyCastle read\n{Describe(expected)}\nthe platform reader read\n{Describe(actual)}");
    }

    private static ParsedCertificate? ReadWithBouncyCastle(byte[] der)
    {
        try
        {
            return ParsedCertificate.FromStructure(X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der)));
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            return null;
        }
    }

    private static List<ParsedCertificate> Issuers(IEnumerable<(string Name, byte[] Der, bool Usual)> corpus) =>
        [.. corpus.Select(c => ReadWithBouncyCastle(c.Der)!)];

    // (name, DER, whether the platform reader is expected to read it)
    private static List<(string Name, byte[] Der, bool Usual)> Corpus()
    {
        var rsaRoot = TestCertificates.Root("Equivalence RSA Root", o => { o.Organization = "Acme, Inc."; o.Country = "IN"; });
        var ecRoot = TestCertificates.Root("Equivalence EC Root", o => o.KeyType = TestKeyType.EcP384);
        var intermediate = rsaRoot.Issue("Equivalence Sub CA", o => o.PathLength = 0);
        var unknownCritical = new DerObjectIdentifier("1.3.6.1.4.1.99999.1");
        var (platformRoot, platformLeaf) = PlatformMadeChain();
        return
        [
            ("RSA root", rsaRoot.Der, true),
            ("EC P-384 root", ecRoot.Der, true),
            ("RSA intermediate, pathLen 0", intermediate.Der, true),
            ("RSA leaf with OU", intermediate.IssueLeaf("leaf #1", o => { o.Organization = "Acme"; o.OrganizationalUnit = "Chips"; }).Der, true),
            ("EC P-256 leaf", ecRoot.IssueLeaf("ec leaf", o => o.KeyType = TestKeyType.EcP256).Der, true),
            ("EC P-521 leaf", ecRoot.IssueLeaf("ec521 leaf", o => o.KeyType = TestKeyType.EcP521).Der, true),
            ("secp256k1 leaf", rsaRoot.IssueLeaf("k1 leaf", o => o.KeyType = TestKeyType.EcSecp256k1).Der, true),
            ("RSA 1024 leaf", rsaRoot.IssueLeaf("weak leaf", o => o.KeyType = TestKeyType.Rsa1024).Der, true),
            ("leaf without key usage, basic constraints, SKI, AKI", rsaRoot.IssueLeaf("bare", o =>
            {
                o.OmitKeyUsage = true;
                o.OmitBasicConstraints = true;
                o.OmitSubjectKeyIdentifier = true;
                o.OmitAuthorityKeyIdentifier = true;
            }).Der, true),
            ("CA without keyCertSign", rsaRoot.Issue("no keyCertSign", o => o.WithoutKeyCertSign = true).Der, true),
            ("leaf with an unknown critical extension", rsaRoot.IssueLeaf("odd", o => o.Extensions.Add((unknownCritical, true, new DerOctetString([1, 2, 3])))).Der, true),
            ("self-signed leaf with a broken signature", TestCertificates.SelfSignedLeaf("broken", o => o.BreakSignature = true).Der, true),
            ("two O= values", TestCertificates.Root("x", o => o.Subject = new X509Name([X509Name.O, X509Name.O, X509Name.CN], ["A", "B", "Two Orgs"])).Der, true),
            ("root made by the platform", platformRoot, true),
            ("leaf made by the platform (as the benchmark's)", platformLeaf, true),
            ("Ed25519 leaf", rsaRoot.IssueLeaf("ed leaf", o => o.KeyType = TestKeyType.Ed25519).Der, false),
            ("SHA-1 signed leaf", rsaRoot.IssueLeaf("sha1 leaf", o => o.SignatureAlgorithm = "SHA1WITHRSA").Der, false),
            ("RSASSA-PSS signed leaf", rsaRoot.IssueLeaf("pss leaf", o => o.SignatureAlgorithm = "SHA256WITHRSAANDMGF1").Der, false),
            ("version 1 root", TestCertificates.Root("v1 root", o => o.Version = 1).Der, false),
        ];
    }

    private static (byte[] Root, byte[] Leaf) PlatformMadeChain()
    {
        using var rootKey = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var rootRequest = new CertificateRequest("CN=Platform Root, O=PMS Test", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=device-1, O=PMS Test", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(leafRequest.PublicKey, false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var leaf = leafRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddYears(2), [0x01, 0x02, 0x03, 0x04]);
        return (root.RawData, leaf.RawData);
    }
}
