using System.Text;
using Pms.Grpc.Certificates;
using Pms.Testing;
using static Pms.UnitTests.Certificates.CertificateTestHelpers;

namespace Pms.UnitTests.Certificates;

public class CertificateParserTests
{
    private static readonly TestCertificate Root = TestCertificates.Root("Parser Root", o => o.KeyType = TestKeyType.EcP256);
    private static readonly TestCertificate Intermediate = Root.Issue("Parser Intermediate", o => o.KeyType = TestKeyType.EcP256);
    private static readonly TestCertificate Leaf = Intermediate.IssueLeaf("Parser Leaf", o => o.KeyType = TestKeyType.EcP256);

    [Fact]
    public void ParseReadsOnePemCertificate()
    {
        var parsed = Assert.Single(CertificateParser.Parse(Leaf.PemBytes).Accepted());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Leaf.Der)), parsed.ThumbprintSha256);
    }

    [Fact]
    public void ParseReadsOneDerCertificate()
    {
        var parsed = Assert.Single(CertificateParser.Parse(Leaf.Der).Accepted());
        Assert.Equal(Leaf.Der, parsed.Der.ToArray());
    }

    [Fact]
    public void ParseReadsPemBundleInOrder()
    {
        var bundle = Encoding.ASCII.GetBytes("subject=Parser Leaf\n" + TestCertificates.BundlePem(Leaf, Intermediate, Root));

        var parsed = CertificateParser.Parse(bundle).Accepted();

        Assert.Equal([Leaf.Der, Intermediate.Der, Root.Der], parsed.Select(p => p.Der.ToArray()));
    }

    [Fact]
    public void ParseReadsPkcs7Der()
    {
        var parsed = CertificateParser.Parse(TestCertificates.Pkcs7Der(Root, Intermediate, Leaf)).Accepted();

        Assert.Equal(
            new[] { Root, Intermediate, Leaf }.Select(c => Convert.ToHexString(c.Der)).Order(),
            parsed.Select(p => Convert.ToHexString(p.Der.Span)).Order());
    }

    [Fact]
    public void ParseReadsPkcs7Pem()
    {
        var parsed = CertificateParser.Parse(Encoding.ASCII.GetBytes(TestCertificates.Pkcs7Pem(Intermediate, Leaf))).Accepted();

        Assert.Equal(2, parsed.Count);
        Assert.Contains(parsed, p => p.Subject == "CN=Parser Leaf,O=PMS Test");
        Assert.Contains(parsed, p => p.Subject == "CN=Parser Intermediate,O=PMS Test");
    }

    [Fact]
    public void ParseRefusesPemPrivateKey()
    {
        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(Leaf.PrivateKeyPem)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("private key", violation.Message);
    }

    [Fact]
    public void ParseRefusesBundleThatAlsoHoldsAPrivateKey()
    {
        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(Leaf.Pem + Leaf.PrivateKeyPem)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("private key", violation.Message);
    }

    [Fact]
    public void ParseRefusesDerPrivateKey()
    {
        var der = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(Leaf.KeyPair.Private).GetEncoded();

        var violation = Violation(() => CertificateParser.Parse(der));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("private key", violation.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    public void ParseRefusesEmptyData(string data)
    {
        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(data)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("empty", violation.Message);
    }

    [Fact]
    public void ParseRefusesDataOverOneMebibyteBeforeParsing()
    {
        // A valid certificate padded past the limit: refused for its size, not parsed.
        var data = new byte[CertificateParser.MaxCertificateDataBytes + 1];
        Leaf.PemBytes.CopyTo(data, 0);
        Array.Fill(data, (byte)'\n', Leaf.PemBytes.Length, data.Length - Leaf.PemBytes.Length);

        var violation = Violation(() => CertificateParser.Parse(data));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("1 MiB", violation.Message);
    }

    [Fact]
    public void ParseAcceptsDataOfExactlyOneMebibyte()
    {
        var data = new byte[CertificateParser.MaxCertificateDataBytes];
        Leaf.PemBytes.CopyTo(data, 0);
        Array.Fill(data, (byte)'\n', Leaf.PemBytes.Length, data.Length - Leaf.PemBytes.Length);

        Assert.Single(CertificateParser.Parse(data).Accepted());
    }

    [Theory]
    [InlineData("hello, I am not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")]
    public void ParseRefusesGarbage(string data)
    {
        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(data)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
    }

    [Fact]
    public void ParseAcceptsPemWithExplanatoryTextAroundTheBlocks()
    {
        // What `openssl x509 -text` and `openssl pkcs12 -nokeys` write: text before, between and after the blocks.
        var data = "subject=CN=Parser Leaf\nBag Attributes: none\n" + Leaf.Pem + "\nissuer text\n" + Intermediate.Pem + "trailing words\n";

        var parsed = CertificateParser.Parse(Encoding.ASCII.GetBytes(data)).Accepted();

        Assert.Equal(2, parsed.Count);
    }

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END PKCS7-----\n", "not well-formed")]
    [InlineData("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END CERTIFICATE-----\n", "not well-formed")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END RSA PRIVATE KEY-----\n", "private key")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "no END line")]
    public void ParseNamesTheBrokenPemBlock(string data, string expected)
    {
        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(data)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("PEM block 1", violation.Message);
        Assert.Contains(expected, violation.Message);
    }

    [Fact]
    public void ParseRefusesAMegabyteOfBeginLinesAsOneBlockWithoutEnd()
    {
        // PemEncoding.TryFind alone spends tens of seconds on this (it retries from every BEGIN line); the parser frames
        // blocks itself first and answers after one pass.
        var data = new StringBuilder();
        while (data.Length < CertificateParser.MaxCertificateDataBytes - 64)
        {
            data.Append("-----BEGIN CERTIFICATE-----\n");
        }

        var violation = Violation(() => CertificateParser.Parse(Encoding.ASCII.GetBytes(data.ToString())));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
        Assert.Contains("PEM block 1 (CERTIFICATE) has no END line", violation.Message);
    }

    [Fact]
    public void ParseRefusesRandomBytes()
    {
        var violation = Violation(() => CertificateParser.Parse(new Random(42).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 2000)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
    }

    [Fact]
    public void ParseRefusesDerWithTrailingBytes()
    {
        var violation = Violation(() => CertificateParser.Parse([.. Leaf.Der, 0x00, 0x01]));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
    }

    [Fact]
    public void ParseRefusesTruncatedDer()
    {
        var violation = Violation(() => CertificateParser.Parse(Leaf.Der.AsSpan(0, Leaf.Der.Length - 10)));

        AssertViolation(violation, CertificateReasons.Unparsable, "KER-PCM-001");
    }

    [Fact]
    public void ParseSingleOfStoredDataRefusesBundleAsDamagedData()
    {
        var error = Assert.Throws<InvalidDataException>(() => CertificateParser.ParseSingle(Encoding.ASCII.GetBytes(TestCertificates.BundlePem(Leaf, Root))));

        Assert.Contains("2 certificates", error.Message);
    }

    [Fact]
    public void ParseReportsViolationAsAValue()
    {
        var outcome = CertificateParser.Parse("junk"u8);

        Assert.False(outcome.IsAccepted);
        Assert.Equal(CertificateReasons.Unparsable, outcome.Violation.Reason);
        Assert.Equal(CertificateViolationKind.InvalidArgument, outcome.Violation.Kind);
        Assert.Throws<InvalidOperationException>(() => outcome.Value);
    }
}
