using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Pms.Grpc.Certificates;

/// <summary>
/// A certificate with everything the rules and the path builder look at worked out once: DER, thumbprint,
/// names (display and canonical), validity, basic constraints, key usage, key identifiers, key and
/// signature algorithms. Immutable and safe to share between threads (a trust store keeps these).
/// </summary>
public sealed class ParsedCertificate
{
    private static readonly HashSet<string> UnderstoodExtensions =
    [
        X509Extensions.BasicConstraints.Id,
        X509Extensions.KeyUsage.Id,
        X509Extensions.ExtendedKeyUsage.Id,
        X509Extensions.SubjectKeyIdentifier.Id,
        X509Extensions.AuthorityKeyIdentifier.Id,
        X509Extensions.SubjectAlternativeName.Id,
        X509Extensions.IssuerAlternativeName.Id,
        X509Extensions.CrlDistributionPoints.Id,
        X509Extensions.AuthorityInfoAccess.Id,
    ];

    private readonly byte[] _der;
    private readonly long _notBeforeTicks;
    private readonly long _notAfterTicks;
    private readonly byte[]? _subjectKeyIdentifier;
    private readonly byte[]? _authorityKeyIdentifier;
    private AsymmetricKeyParameter? _publicKey;
    private PlatformPublicKey? _platformKey;
    private int _platformKeyState; // 0 not yet imported, 1 imported, 2 the platform cannot import it
    private int _selfSignature; // 0 not yet checked, 1 verifies with its own key, 2 does not

    private ParsedCertificate(X509Certificate certificate)
    {
        Certificate = certificate;
        _der = certificate.CertificateStructure.GetEncoded(Asn1Encodable.Der);
        ThumbprintSha256 = Convert.ToHexStringLower(SHA256.HashData(_der));

        var structure = certificate.CertificateStructure;
        Subject = DistinguishedNames.ToRfc4514(structure.Subject);
        Issuer = DistinguishedNames.ToRfc4514(structure.Issuer);
        SubjectKey = DistinguishedNames.CanonicalKey(structure.Subject);
        IssuerKey = DistinguishedNames.CanonicalKey(structure.Issuer);
        Organizations = DistinguishedNames.Values(structure.Subject, X509Name.O);
        CommonName = DistinguishedNames.Values(structure.Subject, X509Name.CN) is [var cn, ..] ? cn : null;
        SerialNumberHex = CertificateText.SerialToHex(certificate.SerialNumber);
        Version = certificate.Version;

        NotBefore = ToUtc(certificate.NotBefore);
        NotAfter = ToUtc(certificate.NotAfter);
        _notBeforeTicks = NotBefore.UtcTicks;
        _notAfterTicks = NotAfter.UtcTicks;

        Key = CertificateAlgorithms.Describe(structure.SubjectPublicKeyInfo);
        SignatureAlgorithm = CertificateAlgorithms.DescribeSignature(structure.SignatureAlgorithm);
        IsSignatureAlgorithmAccepted = CertificateAlgorithms.IsSignatureAccepted(structure.SignatureAlgorithm);

        var extensions = structure.TbsCertificate.Extensions;
        if (extensions?.GetExtension(X509Extensions.BasicConstraints) is { } bcExtension)
        {
            var basicConstraints = BasicConstraints.GetInstance(bcExtension.GetParsedValue());
            HasBasicConstraints = true;
            IsCa = basicConstraints.IsCA();
            PathLengthConstraint = IsCa && basicConstraints.PathLenConstraint is { } pathLength
                ? (int)Math.Min(pathLength.LongValue, int.MaxValue)
                : null;
        }

        if (certificate.GetKeyUsage() is { } keyUsage)
        {
            HasKeyUsage = true;
            // RFC 5280 §4.2.1.3 bit 5.
            AllowsKeyCertSign = keyUsage.Length > 5 && keyUsage[5];
        }

        if (extensions?.GetExtension(X509Extensions.SubjectKeyIdentifier) is { } skiExtension)
        {
            _subjectKeyIdentifier = SubjectKeyIdentifier.GetInstance(skiExtension.GetParsedValue()).GetKeyIdentifier();
        }

        if (extensions?.GetExtension(X509Extensions.AuthorityKeyIdentifier) is { } akiExtension)
        {
            _authorityKeyIdentifier = AuthorityKeyIdentifier.GetInstance(akiExtension.GetParsedValue()).KeyIdentifier?.GetOctets();
        }

        if (extensions is not null)
        {
            foreach (var oid in extensions.GetCriticalExtensionOids())
            {
                if (!UnderstoodExtensions.Contains(oid.Id))
                {
                    UnsupportedCriticalExtension = oid.Id;
                    break;
                }
            }
        }
    }

    /// <summary>The BouncyCastle certificate.</summary>
    public X509Certificate Certificate { get; }

    /// <summary>DER encoding (what the thumbprint is taken over). Do not modify.</summary>
    public ReadOnlyMemory<byte> Der => _der;

    /// <summary>SHA-256 of the DER encoding, lower-case hex.</summary>
    public string ThumbprintSha256 { get; }

    /// <summary>Subject as an RFC 4514 string, most specific RDN first (<c>CN=Leaf,O=Acme</c>).</summary>
    public string Subject { get; }

    /// <summary>Issuer as an RFC 4514 string.</summary>
    public string Issuer { get; }

    /// <summary>Every <c>O=</c> value of the subject (normally one).</summary>
    public IReadOnlyList<string> Organizations { get; }

    /// <summary>The subject's <c>O=</c> value when it has exactly one, else null.</summary>
    public string? Organization => Organizations.Count == 1 ? Organizations[0] : null;

    public string? CommonName { get; }

    /// <summary>Serial number, lower-case hex, even number of digits.</summary>
    public string SerialNumberHex { get; }

    /// <summary>X.509 version: 1, 2 or 3.</summary>
    public int Version { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public PublicKeyDescription Key { get; }

    /// <summary>"SHA256withRSA", "SHA384withECDSA", "Ed25519", "SHA1withRSA", ...</summary>
    public string SignatureAlgorithm { get; }

    public bool IsSignatureAlgorithmAccepted { get; }

    public bool IsKeyAccepted => CertificateAlgorithms.IsKeyAccepted(Key);

    public bool HasBasicConstraints { get; }

    /// <summary><c>basicConstraints CA:TRUE</c>.</summary>
    public bool IsCa { get; }

    /// <summary>The <c>pathLenConstraint</c> of a CA, null when unconstrained.</summary>
    public int? PathLengthConstraint { get; }

    public bool HasKeyUsage { get; }

    public bool AllowsKeyCertSign { get; }

    /// <summary>The OID of the first critical extension PMS does not process, if any (RFC 5280 §4.2 says refuse it).</summary>
    public string? UnsupportedCriticalExtension { get; }

    /// <summary>Subject and issuer names are equal (RFC 5280 "self-issued").</summary>
    public bool IsSelfIssued => SubjectKey == IssuerKey;

    /// <summary>Self-issued and its signature verifies with its own public key: a root candidate.</summary>
    public bool IsSelfSigned
    {
        get
        {
            var state = Volatile.Read(ref _selfSignature);
            if (state == 0)
            {
                state = IsSelfIssued && IsSignedBy(this) ? 1 : 2;
                Volatile.Write(ref _selfSignature, state);
            }

            return state == 1;
        }
    }

    /// <summary>Hex of the subjectKeyIdentifier, if present.</summary>
    public string? SubjectKeyIdentifierHex => _subjectKeyIdentifier is null ? null : Convert.ToHexStringLower(_subjectKeyIdentifier);

    /// <summary>Hex of the authorityKeyIdentifier's keyIdentifier, if present.</summary>
    public string? AuthorityKeyIdentifierHex => _authorityKeyIdentifier is null ? null : Convert.ToHexStringLower(_authorityKeyIdentifier);

    internal string SubjectKey { get; }

    internal string IssuerKey { get; }

    internal byte[]? SubjectKeyIdentifierBytes => _subjectKeyIdentifier;

    internal byte[]? AuthorityKeyIdentifierBytes => _authorityKeyIdentifier;

    /// <summary>The subject public key, or null when BouncyCastle cannot build it (unsupported or malformed key).</summary>
    public AsymmetricKeyParameter? PublicKey
    {
        get
        {
            if (_publicKey is null)
            {
                try
                {
                    _publicKey = Certificate.GetPublicKey();
                }
                catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
                {
                    return null;
                }
            }

            return _publicKey;
        }
    }

    /// <summary>Wraps a certificate PMS itself generated (its signing CA, a MOSIP-signed copy).</summary>
    /// <exception cref="InvalidDataException">One of its extensions is malformed: PMS generated a broken certificate.</exception>
    public static ParsedCertificate From(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            return new ParsedCertificate(certificate);
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            throw new InvalidDataException($"PMS generated a certificate it cannot read back: {ex.Message}", ex);
        }
    }

    internal static ParsedCertificate FromStructure(X509CertificateStructure structure) =>
        new(new X509Certificate(structure));

    /// <summary>Valid at <paramref name="at"/>: notBefore ≤ at ≤ notAfter.</summary>
    public bool IsValidAt(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return ticks >= _notBeforeTicks && ticks <= _notAfterTicks;
    }

    /// <summary>
    /// Its signature verifies with <paramref name="issuer"/>'s public key: by the platform (OpenSSL) for RSA PKCS#1 v1.5
    /// and ECDSA with SHA-2, by BouncyCastle otherwise. Either way the signature algorithm inside the signed part must
    /// equal the outer one (RFC 5280 §4.1.1.2), and what is verified is the DER of the TBSCertificate.
    /// </summary>
    public bool IsSignedBy(ParsedCertificate issuer)
    {
        var structure = Certificate.CertificateStructure;
        if (!SameAlgorithm(structure.SignatureAlgorithm, structure.TbsCertificate.Signature))
        {
            return false;
        }

        if (issuer.PlatformKey is { } platformKey)
        {
            try
            {
                if (platformKey.Verify(structure.SignatureAlgorithm, structure.TbsCertificate.GetEncoded(Asn1Encodable.Der),
                        structure.Signature.GetOctets()) is { } verified)
                {
                    return verified;
                }
            }
            // IOException: a signature BIT STRING that is not octet-aligned (found by fuzzing) is no valid signature.
            catch (Exception ex) when (ex is CryptographicException or IOException)
            {
                return false;
            }
        }

        if (issuer.PublicKey is not { } key)
        {
            return false;
        }

        try
        {
            Certificate.Verify(key);
            return true;
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            return false;
        }
    }

    // The subject key for platform verification, imported on first use; null when the platform cannot take it.
    private PlatformPublicKey? PlatformKey
    {
        get
        {
            var state = Volatile.Read(ref _platformKeyState);
            if (state == 0)
            {
                _platformKey = PlatformPublicKey.TryCreate(Certificate.CertificateStructure.SubjectPublicKeyInfo);
                state = _platformKey is null ? 2 : 1;
                Volatile.Write(ref _platformKeyState, state);
            }

            return state == 1 ? _platformKey : null;
        }
    }

    // As BouncyCastle compares them: same OID, and the same parameters where absent and NULL count as equal.
    private static bool SameAlgorithm(AlgorithmIdentifier outer, AlgorithmIdentifier inner)
    {
        if (!outer.Algorithm.Equals(inner.Algorithm))
        {
            return false;
        }

        var outerParameters = outer.Parameters is DerNull ? null : outer.Parameters;
        var innerParameters = inner.Parameters is DerNull ? null : inner.Parameters;
        return outerParameters is null ? innerParameters is null : outerParameters.Equals(innerParameters);
    }

    /// <summary>The authorityKeyIdentifier of this certificate does not contradict <paramref name="issuer"/>'s subjectKeyIdentifier.</summary>
    internal bool KeyIdentifierAllows(ParsedCertificate issuer) =>
        _authorityKeyIdentifier is null
        || issuer._subjectKeyIdentifier is null
        || _authorityKeyIdentifier.AsSpan().SequenceEqual(issuer._subjectKeyIdentifier);

    public string ToPem() => CertificateText.ToPem(_der);

    public override string ToString() => $"{Subject} (serial {SerialNumberHex}, SHA-256 {ThumbprintSha256})";

    private static DateTimeOffset ToUtc(DateTime value) =>
        new(value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>Which exceptions from BouncyCastle's parsing and verifying mean "bad input" rather than a bug.</summary>
internal static class CryptoErrors
{
    public static bool IsRecoverable(Exception ex) =>
        // SecurityUtilityException: a public key whose algorithm identifier BouncyCastle does not know (found by fuzzing).
        ex is GeneralSecurityException or CryptoException or CertificateException or SecurityUtilityException
            or ArgumentException or InvalidCastException or InvalidOperationException
            or IOException or FormatException or OverflowException or IndexOutOfRangeException;
}

/// <summary>Text forms: PEM, hex serials.</summary>
public static class CertificateText
{
    /// <summary>One PEM CERTIFICATE block (RFC 7468: 64-character lines, '\n' line ends), ending with a line end.</summary>
    public static string ToPem(ReadOnlySpan<byte> der) => string.Concat(PemEncoding.WriteString("CERTIFICATE", der), "\n");

    public static string ToPem(X509Certificate certificate) => ToPem(certificate.GetEncoded());

    /// <summary>Several certificates as one PEM bundle, in the given order.</summary>
    public static string ToPem(IEnumerable<ParsedCertificate> certificates) =>
        string.Concat(certificates.Select(c => c.ToPem()));

    /// <summary>Lower-case hex with an even number of digits ("0a1b"); negative serials (non-conformant) get a '-'.</summary>
    public static string SerialToHex(Org.BouncyCastle.Math.BigInteger serial)
    {
        var hex = serial.Abs().ToString(16);
        if (hex.Length % 2 == 1)
        {
            hex = "0" + hex;
        }

        return serial.SignValue < 0 ? "-" + hex : hex;
    }

    /// <summary>SHA-256 of DER bytes, lower-case hex.</summary>
    public static string Sha256Thumbprint(ReadOnlySpan<byte> der) => Convert.ToHexStringLower(SHA256.HashData(der));
}
