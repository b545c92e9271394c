using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Pms.Grpc.Certificates;
using Pms.Testing;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Pms.UnitTests.Certificates;

public class ParsedCertificateTests
{
    [Fact]
    public void SubjectAndIssuerAreRfc4514MostSpecificFirst()
    {
        var root = TestCertificates.Root("FTM Root", o => { o.Organization = "Acme, Inc."; o.Country = "IN"; o.KeyType = TestKeyType.EcP256; });
        var leaf = root.IssueLeaf("chip #1", o => { o.Organization = "Acme"; o.OrganizationalUnit = "Chips"; o.KeyType = TestKeyType.EcP256; });

        var parsed = CertificateParser.ParseSingle(leaf.Der);

        Assert.Equal("CN=chip #1,OU=Chips,O=Acme", parsed.Subject);
        Assert.Equal("CN=FTM Root,O=Acme\\, Inc.,C=IN", parsed.Issuer);
        Assert.Equal("Acme", parsed.Organization);
        Assert.Equal("chip #1", parsed.CommonName);
    }

    [Fact]
    public void OrganizationIsNullWithoutOrWithSeveralOValues()
    {
        var none = TestCertificates.Root("x", o => { o.Subject = new X509Name("CN=No Org"); o.KeyType = TestKeyType.EcP256; });
        var two = TestCertificates.Root("x", o =>
        {
            o.Subject = new X509Name([X509Name.O, X509Name.O, X509Name.CN], ["A", "B", "Two Orgs"]);
            o.KeyType = TestKeyType.EcP256;
        });

        Assert.Null(CertificateParser.ParseSingle(none.Der).Organization);
        var parsedTwo = CertificateParser.ParseSingle(two.Der);
        Assert.Null(parsedTwo.Organization);
        Assert.Equal(["A", "B"], parsedTwo.Organizations);
    }

    [Fact]
    public void ThumbprintIsLowerCaseSha256OfDer()
    {
        var root = TestCertificates.Root("Thumb", o => o.KeyType = TestKeyType.EcP256);

        var parsed = CertificateParser.ParseSingle(root.Der);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(root.Der)), parsed.ThumbprintSha256);
        Assert.Equal(parsed.ThumbprintSha256, CertificateText.Sha256Thumbprint(root.Der));
        Assert.Matches("^[0-9a-f]{64}$", parsed.ThumbprintSha256);
    }

    [Fact]
    public void SerialIsEvenLengthLowerCaseHex()
    {
        var root = TestCertificates.Root("Serial", o => { o.SerialNumber = BigInteger.ValueOf(0xABC); o.KeyType = TestKeyType.EcP256; });

        Assert.Equal("0abc", CertificateParser.ParseSingle(root.Der).SerialNumberHex);
    }

    [Fact]
    public void PemRoundTripsThroughParser()
    {
        var root = TestCertificates.Root("Pem", o => o.KeyType = TestKeyType.EcP256);
        var parsed = CertificateParser.ParseSingle(root.Der);

        var pem = parsed.ToPem();

        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", pem);
        Assert.All(pem.Split('\n'), line => Assert.True(line.Length <= 64));
        Assert.Equal(parsed.ThumbprintSha256, Assert.Single(CertificateParser.Parse(System.Text.Encoding.UTF8.GetBytes(pem)).Accepted()).ThumbprintSha256);
        Assert.Equal(pem + pem, CertificateText.ToPem([parsed, parsed]));
    }

    [Theory]
    [InlineData(TestKeyType.Rsa2048, "RSA 2048")]
    [InlineData(TestKeyType.Rsa1024, "RSA 1024")]
    [InlineData(TestKeyType.EcP256, "EC P-256")]
    [InlineData(TestKeyType.EcP384, "EC P-384")]
    [InlineData(TestKeyType.EcP521, "EC P-521")]
    [InlineData(TestKeyType.EcSecp256k1, "EC secp256k1")]
    [InlineData(TestKeyType.Ed25519, "Ed25519")]
    public void KeyIsDescribed(TestKeyType keyType, string description)
    {
        var root = TestCertificates.Root("Key", o => o.KeyType = keyType);

        Assert.Equal(description, CertificateParser.ParseSingle(root.Der).Key.Description);
    }

    [Fact]
    public void ExtensionsAreRead()
    {
        var root = TestCertificates.Root("Ext", o => { o.PathLength = 2; o.KeyType = TestKeyType.EcP256; });
        var parsed = CertificateParser.ParseSingle(root.Der);

        Assert.True(parsed.IsCa);
        Assert.Equal(2, parsed.PathLengthConstraint);
        Assert.True(parsed.HasKeyUsage);
        Assert.True(parsed.AllowsKeyCertSign);
        Assert.NotNull(parsed.SubjectKeyIdentifierHex);
        Assert.Equal(parsed.SubjectKeyIdentifierHex, parsed.AuthorityKeyIdentifierHex);
        Assert.True(parsed.IsSelfSigned);
        Assert.Equal(3, parsed.Version);
        Assert.Null(parsed.UnsupportedCriticalExtension);
    }

    [Fact]
    public void UnknownCriticalExtensionIsNoted()
    {
        var root = TestCertificates.Root("Crit", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Extensions.Add((new DerObjectIdentifier("1.3.6.1.4.1.99999.1"), true, DerNull.Instance));
        });

        Assert.Equal("1.3.6.1.4.1.99999.1", CertificateParser.ParseSingle(root.Der).UnsupportedCriticalExtension);
    }

    [Fact]
    public void NamesDifferingOnlyInCaseAndSpacesChain()
    {
        var root = TestCertificates.Root("Case Root", o => { o.Organization = "Acme"; o.KeyType = TestKeyType.EcP256; });
        var leaf = TestCertificates.Root("x", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Subject = new X509Name("CN=Leaf");
        });

        var parsedRoot = CertificateParser.ParseSingle(root.Der);
        Assert.Equal(
            DistinguishedNames.CanonicalKey(new X509Name([X509Name.O, X509Name.CN], ["acme", "  CASE   root "])),
            DistinguishedNames.CanonicalKey(parsedRoot.Certificate.SubjectDN));
        Assert.NotEqual(DistinguishedNames.CanonicalKey(parsedRoot.Certificate.SubjectDN), DistinguishedNames.CanonicalKey(leaf.SubjectName));
    }
}
