using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Pms.Grpc.Certificates;

/// <summary>
/// PMS's own signing CA: generated once (RSA 3072, self-signed, 10 years), kept with its private key encrypted
/// at rest (<see cref="PrivateKeyProtector"/>), and used to issue the MOSIP-signed copies of partner and chip
/// certificates.
/// </summary>
public sealed class SigningAuthority
{
    public const string DefaultCommonName = "PMS Signing CA";
    public const string DefaultOrganization = "MOSIP";
    public const int RsaKeyBits = 3072;

    private readonly AsymmetricKeyParameter _privateKey;
    private readonly TimeProvider _timeProvider;
    private readonly X509Name _subject;
    private readonly byte[] _subjectKeyIdentifier;
    private readonly Lazy<ISignatureFactory> _signatureFactory;

    private SigningAuthority(ParsedCertificate certificate, AsymmetricKeyParameter privateKey, TimeProvider timeProvider)
    {
        Certificate = certificate;
        _privateKey = privateKey;
        _timeProvider = timeProvider;
        _subject = certificate.Certificate.SubjectDN;
        _subjectKeyIdentifier = certificate.SubjectKeyIdentifierBytes
            ?? KeyIdentifiers.Compute(certificate.Certificate.SubjectPublicKeyInfo);
        // Every MOSIP-signed certificate is signed with this key: by the platform (OpenSSL) when it is RSA or EC.
        _signatureFactory = new(() => PlatformSignatureFactory.Create(SignatureAlgorithmFor(privateKey), privateKey));
    }

    /// <summary>The signing CA's certificate (what <c>GetSigningCertificate</c> returns).</summary>
    public ParsedCertificate Certificate { get; }

    public string CertificatePem => Certificate.ToPem();

    /// <summary>Generates a new signing CA: RSA 3072, <c>CN=PMS Signing CA, O=MOSIP</c>, valid 10 years from now.</summary>
    public static SigningAuthority Create(TimeProvider timeProvider, string commonName = DefaultCommonName, string organization = DefaultOrganization)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        // The platform's RSA (OpenSSL) generates a 3072-bit key many times faster than managed code.
        using var rsa = RSA.Create(RsaKeyBits);
        var keyPair = DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(includePrivateParameters: true));

        var subject = new X509Name(
            [X509Name.O, X509Name.CN],
            [organization, commonName]);
        var now = TruncateToSeconds(timeProvider.GetUtcNow());
        var publicKeyInfo = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(keyPair.Public);
        var keyId = KeyIdentifiers.Compute(publicKeyInfo);

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerialNumber());
        generator.SetIssuerDN(subject);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(now.UtcDateTime);
        generator.SetNotAfter(now.AddYears(10).UtcDateTime);
        generator.SetSubjectPublicKeyInfo(publicKeyInfo);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHRSA", keyPair.Private, new SecureRandom()));

        return new SigningAuthority(ParsedCertificate.From(certificate), keyPair.Private, timeProvider);
    }

    /// <summary>Loads a stored signing CA: its certificate and its protected private key, stored in row <paramref name="rowId"/>.</summary>
    /// <exception cref="PrivateKeyProtectionException">The key cannot be decrypted, or it does not belong to the certificate.</exception>
    public static SigningAuthority Load(string certificatePem, ReadOnlySpan<byte> protectedPrivateKey, Guid rowId, PrivateKeyProtector protector,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(protector);
        var certificate = CertificateParser.ParseSingle(System.Text.Encoding.UTF8.GetBytes(certificatePem));
        return Load(certificate, protector.Unprotect(protectedPrivateKey, rowId), timeProvider);
    }

    /// <summary>Wraps a certificate and its private key, checking that they belong together.</summary>
    /// <exception cref="PrivateKeyProtectionException">The key does not belong to the certificate.</exception>
    public static SigningAuthority Load(ParsedCertificate certificate, AsymmetricKeyParameter privateKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!certificate.IsCa || certificate.PublicKey is not { } publicKey || !KeysMatch(privateKey, publicKey))
        {
            throw new PrivateKeyProtectionException($"The private key does not belong to CA certificate '{certificate.Subject}'.");
        }

        return new SigningAuthority(certificate, privateKey, timeProvider);
    }

    /// <summary>The private key, encrypted for storage in row <paramref name="rowId"/>.</summary>
    public byte[] ExportProtectedPrivateKey(PrivateKeyProtector protector, Guid rowId)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return protector.Protect(_privateKey, rowId);
    }

    /// <summary>
    /// Issues the MOSIP-signed certificate for an accepted partner or chip certificate: the same subject and public
    /// key; issuer = this CA; notBefore = now; notAfter = now + 1 year (never past this CA's own notAfter, since a
    /// certificate cannot outlive its issuer's validity and still verify); a random 128-bit positive serial;
    /// SHA256withRSA (or the ECDSA equivalent for an EC CA); AKI = this CA's SKI; SKI of the subject key;
    /// <c>basicConstraints CA:FALSE</c>. Key usage is copied from the original, minus keyCertSign and cRLSign (which
    /// contradict CA:FALSE), so PMS never grants more than the partner's CA did; when the original has none (or
    /// nothing remains), digitalSignature.
    /// </summary>
    public ParsedCertificate IssueMosipSignedCertificate(ParsedCertificate original)
    {
        ArgumentNullException.ThrowIfNull(original);
        var now = TruncateToSeconds(_timeProvider.GetUtcNow());
        var notAfter = now.AddYears(1);
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        var publicKeyInfo = original.Certificate.SubjectPublicKeyInfo;
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerialNumber());
        generator.SetIssuerDN(_subject);
        generator.SetSubjectDN(original.Certificate.SubjectDN);
        generator.SetNotBefore(now.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetSubjectPublicKeyInfo(publicKeyInfo);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(IssuedKeyUsage(original)));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyIdentifiers.Compute(publicKeyInfo)));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(_subjectKeyIdentifier));
        var certificate = generator.Generate(_signatureFactory.Value);
        return ParsedCertificate.From(certificate);
    }

    private static int IssuedKeyUsage(ParsedCertificate original)
    {
        var bits = original.Certificate.GetKeyUsage();
        var usage = 0;
        if (bits is not null)
        {
            // bool[] index i is RFC 5280 bit i; BouncyCastle's KeyUsage flags put bit i at (1 << (7 - i)) for i < 8, 1 << 15 for decipherOnly.
            for (var i = 0; i < bits.Length && i < 9; i++)
            {
                if (bits[i] && i != 5 && i != 6)
                {
                    usage |= i < 8 ? 1 << (7 - i) : KeyUsage.DecipherOnly;
                }
            }
        }

        return usage == 0 ? KeyUsage.DigitalSignature : usage;
    }

    private static string SignatureAlgorithmFor(AsymmetricKeyParameter privateKey) => privateKey switch
    {
        RsaKeyParameters => "SHA256WITHRSA",
        ECPrivateKeyParameters { Parameters.Curve.FieldSize: > 384 } => "SHA512WITHECDSA",
        ECPrivateKeyParameters { Parameters.Curve.FieldSize: > 256 } => "SHA384WITHECDSA",
        ECPrivateKeyParameters => "SHA256WITHECDSA",
        Ed25519PrivateKeyParameters => "Ed25519",
        _ => throw new NotSupportedException($"A signing CA with a {privateKey.GetType().Name} key is not supported."),
    };

    private static bool KeysMatch(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey)
    {
        try
        {
            var algorithm = SignatureAlgorithmFor(privateKey);
            var message = RandomNumberGenerator.GetBytes(32);
            var signer = SignerUtilities.GetSigner(algorithm);
            signer.Init(true, privateKey);
            signer.BlockUpdate(message, 0, message.Length);
            var signature = signer.GenerateSignature();

            var verifier = SignerUtilities.GetSigner(algorithm);
            verifier.Init(false, publicKey);
            verifier.BlockUpdate(message, 0, message.Length);
            return verifier.VerifySignature(signature);
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex) || ex is NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>128 random bits, positive and non-zero (RFC 5280 allows up to 20 octets).</summary>
    internal static BigInteger RandomSerialNumber()
    {
        Span<byte> bytes = stackalloc byte[16];
        BigInteger serial;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            serial = new BigInteger(1, bytes);
        }
        while (serial.SignValue == 0);

        return serial;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}

/// <summary>RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.</summary>
internal static class KeyIdentifiers
{
    public static byte[] Compute(SubjectPublicKeyInfo publicKeyInfo) => SHA1.HashData(publicKeyInfo.PublicKey.GetBytes());
}
