using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Pms.Testing;

/// <summary>Key types the generator makes.</summary>
public enum TestKeyType
{
    Rsa2048,
    Rsa1024,
    Rsa3072,
    EcP256,
    EcP384,
    EcP521,
    EcSecp256k1,
    Ed25519,
    Dsa2048,
}

/// <summary>What a generated certificate looks like. Unset values take defaults for its role (root, intermediate, leaf).</summary>
public sealed class CertificateOptions
{
    /// <summary>Subject <c>O=</c>; by default the issuer's organisation, and "PMS Test" for a root.</summary>
    public string? Organization { get; set; }

    public string? OrganizationalUnit { get; set; }

    public string? Country { get; set; }

    /// <summary>The whole subject, overriding the common name and the attributes above.</summary>
    public X509Name? Subject { get; set; }

    public TestKeyType KeyType { get; set; } = TestKeyType.Rsa2048;

    /// <summary>Use this key instead of generating one (e.g. to re-issue a CA with the same key).</summary>
    public AsymmetricCipherKeyPair? KeyPair { get; set; }

    /// <summary>BouncyCastle signature algorithm name, e.g. "SHA1WITHRSA", "SHA256WITHRSAANDMGF1"; by default SHA-2 matching the issuer's key.</summary>
    public string? SignatureAlgorithm { get; set; }

    /// <summary>Default: one day ago.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Default: roots 10 years, intermediates 5 years, leaves 2 years from now.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>X.509 version: 3 (default) or 1 (no extensions at all).</summary>
    public int Version { get; set; } = 3;

    /// <summary><c>basicConstraints CA:</c> value; by default true for roots and intermediates, false for leaves.</summary>
    public bool? IsCa { get; set; }

    /// <summary>Leave the basicConstraints extension out.</summary>
    public bool OmitBasicConstraints { get; set; }

    /// <summary>pathLenConstraint of a CA.</summary>
    public int? PathLength { get; set; }

    /// <summary>Key usage bits (BouncyCastle <c>KeyUsage.*</c> flags); by default keyCertSign|cRLSign|digitalSignature for CAs, digitalSignature for leaves.</summary>
    public int? KeyUsage { get; set; }

    /// <summary>Leave the key usage extension out.</summary>
    public bool OmitKeyUsage { get; set; }

    /// <summary>A CA whose key usage lacks keyCertSign (cRLSign|digitalSignature only).</summary>
    public bool WithoutKeyCertSign { get; set; }

    public bool OmitSubjectKeyIdentifier { get; set; }

    public bool OmitAuthorityKeyIdentifier { get; set; }

    /// <summary>Sign with an unrelated key: e.g. a self-signed certificate whose signature does not verify.</summary>
    public bool BreakSignature { get; set; }

    /// <summary>Default: 128 random bits.</summary>
    public BigInteger? SerialNumber { get; set; }

    /// <summary>More extensions: (OID, critical, value).</summary>
    public List<(DerObjectIdentifier Oid, bool Critical, Asn1Encodable Value)> Extensions { get; } = [];
}

/// <summary>A generated certificate with its key pair and its issuer.</summary>
public sealed class TestCertificate
{
    internal TestCertificate(X509Certificate certificate, AsymmetricCipherKeyPair keyPair, TestCertificate? issuer, string? organization)
    {
        Certificate = certificate;
        KeyPair = keyPair;
        Issuer = issuer;
        Organization = organization;
    }

    public X509Certificate Certificate { get; }

    public AsymmetricCipherKeyPair KeyPair { get; }

    /// <summary>The certificate that issued this one; null for a self-signed one.</summary>
    public TestCertificate? Issuer { get; }

    /// <summary>The subject's O= value as generated.</summary>
    public string? Organization { get; }

    public X509Name SubjectName => Certificate.SubjectDN;

    public byte[] Der => Certificate.GetEncoded();

    public string Pem => TestCertificates.ToPem("CERTIFICATE", Der);

    /// <summary>The private key as unencrypted PKCS#8 PEM.</summary>
    public string PrivateKeyPem => TestCertificates.ToPem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(KeyPair.Private).GetEncoded());

    /// <summary>This certificate, then its issuers up to the root.</summary>
    public IReadOnlyList<TestCertificate> ChainToRoot
    {
        get
        {
            var chain = new List<TestCertificate>();
            for (var c = this; c is not null; c = c.Issuer)
            {
                chain.Add(c);
            }

            return chain;
        }
    }

    /// <summary>Issues a CA certificate (an intermediate) signed by this one.</summary>
    public TestCertificate Issue(string commonName, Action<CertificateOptions>? configure = null) =>
        TestCertificates.Create(commonName, CertificateRole.Intermediate, this, configure);

    /// <summary>Issues an end-entity certificate (a partner's or a chip's) signed by this one.</summary>
    public TestCertificate IssueLeaf(string commonName, Action<CertificateOptions>? configure = null) =>
        TestCertificates.Create(commonName, CertificateRole.Leaf, this, configure);

    public byte[] PemBytes => Encoding.ASCII.GetBytes(Pem);

    public override string ToString() => Certificate.SubjectDN.ToString();
}

internal enum CertificateRole
{
    Root,
    Intermediate,
    Leaf,
}

/// <summary>
/// Generates keys and certificates for tests with BouncyCastle. Defaults are strictly conformant (so that
/// <c>openssl verify -x509_strict</c> accepts good chains): v3, critical basicConstraints and keyUsage on CAs,
/// SKI everywhere, AKI on issued certificates, SHA-2 signatures, named curves.
/// <code>
/// var root = TestCertificates.Root("FTM Root", o => o.Organization = "Acme");
/// var inter = root.Issue("FTM Sub CA", o => o.PathLength = 0);
/// var chip = inter.IssueLeaf("chip-1", o => o.KeyType = TestKeyType.EcP256);
/// </code>
/// </summary>
public static class TestCertificates
{
    public const string DefaultOrganization = "PMS Test";

    private static readonly SecureRandom Random = new();

    /// <summary>A self-signed CA certificate.</summary>
    public static TestCertificate Root(string commonName = "Test Root CA", Action<CertificateOptions>? configure = null) =>
        Create(commonName, CertificateRole.Root, null, configure);

    /// <summary>A self-signed end-entity certificate (not a CA).</summary>
    public static TestCertificate SelfSignedLeaf(string commonName = "Self-signed", Action<CertificateOptions>? configure = null) =>
        Create(commonName, CertificateRole.Root, null, o =>
        {
            o.IsCa = false;
            configure?.Invoke(o);
        });

    /// <summary>Several certificates as one PEM bundle, in the order given.</summary>
    public static string BundlePem(params TestCertificate[] certificates) => string.Concat(certificates.Select(c => c.Pem));

    /// <summary>A certs-only PKCS#7 SignedData (a .p7b), DER; the certificates come out sorted by encoding, not in the given order.</summary>
    public static byte[] Pkcs7Der(params TestCertificate[] certificates)
    {
        // Real DER, as `openssl crl2pkcs7` writes it: a DER SET is sorted by encoding, so the given order is not kept.
        var signedData = new SignedData(
            new DerSet(),
            new ContentInfo(CmsObjectIdentifiers.Data, null),
            new DerSet(certificates.Select(c => (Asn1Encodable)c.Certificate.CertificateStructure).ToArray()),
            null,
            new DerSet());
        return new ContentInfo(CmsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>A certs-only PKCS#7 as PEM (<c>-----BEGIN PKCS7-----</c>).</summary>
    public static string Pkcs7Pem(params TestCertificate[] certificates) => ToPem("PKCS7", Pkcs7Der(certificates));

    public static string ToPem(string label, byte[] der)
    {
        var base64 = Convert.ToBase64String(der);
        var builder = new StringBuilder();
        builder.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < base64.Length; i += 64)
        {
            builder.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
        }

        return builder.Append("-----END ").Append(label).Append("-----\n").ToString();
    }

    /// <summary>A fresh key pair. RSA and DSA come from the platform (OpenSSL): much faster than managed generation.</summary>
    public static AsymmetricCipherKeyPair GenerateKey(TestKeyType keyType)
    {
        switch (keyType)
        {
            case TestKeyType.Rsa1024:
            case TestKeyType.Rsa2048:
            case TestKeyType.Rsa3072:
                using (var rsa = RSA.Create(keyType switch { TestKeyType.Rsa1024 => 1024, TestKeyType.Rsa3072 => 3072, _ => 2048 }))
                {
                    return DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(true));
                }

            case TestKeyType.Dsa2048:
                using (var dsa = DSA.Create(2048))
                {
                    return DotNetUtilities.GetDsaKeyPair(dsa.ExportParameters(true));
                }

            case TestKeyType.Ed25519:
                var ed = new Ed25519KeyPairGenerator();
                ed.Init(new Ed25519KeyGenerationParameters(Random));
                return ed.GenerateKeyPair();

            default:
                var curve = keyType switch
                {
                    TestKeyType.EcP256 => SecObjectIdentifiers.SecP256r1,
                    TestKeyType.EcP384 => SecObjectIdentifiers.SecP384r1,
                    TestKeyType.EcP521 => SecObjectIdentifiers.SecP521r1,
                    TestKeyType.EcSecp256k1 => SecObjectIdentifiers.SecP256k1,
                    _ => throw new ArgumentOutOfRangeException(nameof(keyType)),
                };
                var ec = new ECKeyPairGenerator();
                ec.Init(new ECKeyGenerationParameters(curve, Random));
                return ec.GenerateKeyPair();
        }
    }

    internal static TestCertificate Create(string commonName, CertificateRole role, TestCertificate? issuer, Action<CertificateOptions>? configure)
    {
        var options = new CertificateOptions();
        configure?.Invoke(options);

        var keyPair = options.KeyPair ?? GenerateKey(options.KeyType);
        var organization = options.Organization ?? issuer?.Organization ?? DefaultOrganization;
        var subject = options.Subject ?? BuildName(commonName, organization, options);
        var issuerName = issuer?.Certificate.SubjectDN ?? subject;
        var signingKey = issuer?.KeyPair ?? keyPair;
        if (options.BreakSignature)
        {
            signingKey = GenerateKey(KeyTypeOf(signingKey.Public));
        }

        var now = DateTimeOffset.UtcNow;
        var notBefore = options.NotBefore ?? now.AddDays(-1);
        var notAfter = options.NotAfter ?? now.AddYears(role switch { CertificateRole.Root => 10, CertificateRole.Intermediate => 5, _ => 2 });
        var serial = options.SerialNumber ?? new BigInteger(1, RandomNumberGenerator.GetBytes(16));
        var publicKeyInfo = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(keyPair.Public);
        var signatureFactory = new Asn1SignatureFactory(options.SignatureAlgorithm ?? DefaultSignatureAlgorithm(signingKey.Private), signingKey.Private, Random);

        X509Certificate certificate;
        if (options.Version == 1)
        {
            var v1 = new X509V1CertificateGenerator();
            v1.SetSerialNumber(serial);
            v1.SetIssuerDN(issuerName);
            v1.SetSubjectDN(subject);
            v1.SetNotBefore(notBefore.UtcDateTime);
            v1.SetNotAfter(notAfter.UtcDateTime);
            v1.SetPublicKey(keyPair.Public);
            certificate = v1.Generate(signatureFactory);
        }
        else
        {
            var v3 = new X509V3CertificateGenerator();
            v3.SetSerialNumber(serial);
            v3.SetIssuerDN(issuerName);
            v3.SetSubjectDN(subject);
            v3.SetNotBefore(notBefore.UtcDateTime);
            v3.SetNotAfter(notAfter.UtcDateTime);
            v3.SetSubjectPublicKeyInfo(publicKeyInfo);

            var isCa = options.IsCa ?? role != CertificateRole.Leaf;
            if (!options.OmitBasicConstraints)
            {
                var basicConstraints = isCa
                    ? options.PathLength is { } pathLength ? new BasicConstraints(pathLength) : new BasicConstraints(true)
                    : new BasicConstraints(false);
                v3.AddExtension(X509Extensions.BasicConstraints, true, basicConstraints);
            }

            if (!options.OmitKeyUsage)
            {
                var usage = options.KeyUsage
                    ?? (options.WithoutKeyCertSign ? KeyUsage.CrlSign | KeyUsage.DigitalSignature
                        : isCa ? KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature
                        : KeyUsage.DigitalSignature);
                v3.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(usage));
            }

            var keyId = SHA1.HashData(publicKeyInfo.PublicKey.GetBytes());
            if (!options.OmitSubjectKeyIdentifier)
            {
                v3.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
            }

            if (!options.OmitAuthorityKeyIdentifier)
            {
                var issuerKeyId = issuer is null
                    ? keyId
                    : SHA1.HashData(issuer.Certificate.SubjectPublicKeyInfo.PublicKey.GetBytes());
                v3.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
            }

            foreach (var (oid, critical, value) in options.Extensions)
            {
                v3.AddExtension(oid, critical, value);
            }

            certificate = v3.Generate(signatureFactory);
        }

        return new TestCertificate(certificate, keyPair, issuer, organization);
    }

    private static X509Name BuildName(string commonName, string? organization, CertificateOptions options)
    {
        var oids = new List<DerObjectIdentifier>();
        var values = new List<string>();
        if (options.Country is { } country)
        {
            oids.Add(X509Name.C);
            values.Add(country);
        }

        if (organization is not null)
        {
            oids.Add(X509Name.O);
            values.Add(organization);
        }

        if (options.OrganizationalUnit is { } unit)
        {
            oids.Add(X509Name.OU);
            values.Add(unit);
        }

        oids.Add(X509Name.CN);
        values.Add(commonName);
        return new X509Name(oids, values);
    }

    private static string DefaultSignatureAlgorithm(AsymmetricKeyParameter privateKey) => privateKey switch
    {
        RsaKeyParameters => "SHA256WITHRSA",
        DsaPrivateKeyParameters => "SHA256WITHDSA",
        ECPrivateKeyParameters { Parameters.Curve.FieldSize: > 384 } => "SHA512WITHECDSA",
        ECPrivateKeyParameters { Parameters.Curve.FieldSize: > 256 } => "SHA384WITHECDSA",
        ECPrivateKeyParameters => "SHA256WITHECDSA",
        Ed25519PrivateKeyParameters => "Ed25519",
        _ => throw new NotSupportedException(privateKey.GetType().Name),
    };

    private static TestKeyType KeyTypeOf(AsymmetricKeyParameter publicKey) => publicKey switch
    {
        RsaKeyParameters rsa => rsa.Modulus.BitLength switch { <= 1024 => TestKeyType.Rsa1024, <= 2048 => TestKeyType.Rsa2048, _ => TestKeyType.Rsa3072 },
        DsaPublicKeyParameters => TestKeyType.Dsa2048,
        ECPublicKeyParameters ec when ec.PublicKeyParamSet.Equals(SecObjectIdentifiers.SecP256k1) => TestKeyType.EcSecp256k1,
        ECPublicKeyParameters ec => ec.Parameters.Curve.FieldSize switch { <= 256 => TestKeyType.EcP256, <= 384 => TestKeyType.EcP384, _ => TestKeyType.EcP521 },
        Ed25519PublicKeyParameters => TestKeyType.Ed25519,
        _ => throw new NotSupportedException(publicKey.GetType().Name),
    };
}
