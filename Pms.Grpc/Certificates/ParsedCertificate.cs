using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Pms.Grpc.Certificates;

/// <summary>
/// A certificate with what the rules and the path builder look at: DER, thumbprint, names (display and canonical),
/// validity, basic constraints, key usage, key identifiers, key and signature algorithms. Validity, extensions and the
/// parts' DER are read at once (<see cref="CertificateFields"/>); names, descriptions and the serial's hex when first
/// asked for, since VerifyCertificateTrust needs few of them for a leaf. Immutable and safe to share between threads
/// (a trust store keeps these): a value worked out twice by two threads at once is the same value.
/// </summary>
public sealed partial class ParsedCertificate
{
    private readonly CertificateFields _fields;
    private readonly long _notBeforeTicks;
    private readonly long _notAfterTicks;
    private X509Certificate? _certificate;
    private IReadOnlyList<NameAttribute[]>? _subjectName;
    private IReadOnlyList<NameAttribute[]>? _issuerName;
    private AlgorithmIdentifier? _signatureAlgorithm;
    private string? _subject;
    private string? _issuer;
    private string? _subjectKey;
    private string? _issuerKey;
    private IReadOnlyList<string>? _organizations;
    private IReadOnlyList<string>? _commonNames;
    private string? _serialNumberHex;
    private PublicKeyDescription? _key;

    private ParsedCertificate(CertificateFields fields, X509Certificate? certificate)
    {
        _fields = fields;
        _certificate = certificate;
        ThumbprintSha256 = CertificateText.Sha256Thumbprint(fields.Der);
        _notBeforeTicks = fields.NotBefore.UtcTicks;
        _notAfterTicks = fields.NotAfter.UtcTicks;
    }

    /// <summary>The BouncyCastle certificate (parsed from <see cref="Der"/> when first asked for).</summary>
    public X509Certificate Certificate => _certificate ??= new X509Certificate(X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(_fields.Der)));

    /// <summary>DER encoding (what the thumbprint is taken over). Do not modify.</summary>
    public ReadOnlyMemory<byte> Der => _fields.Der;

    /// <summary>SHA-256 of the DER encoding, lower-case hex.</summary>
    public string ThumbprintSha256 { get; }

    /// <summary>Subject as an RFC 4514 string, most specific RDN first (<c>CN=Leaf,O=Acme</c>).</summary>
    public string Subject => _subject ??= DistinguishedNames.ToRfc4514(SubjectName);

    /// <summary>Issuer as an RFC 4514 string.</summary>
    public string Issuer => _issuer ??= DistinguishedNames.ToRfc4514(IssuerName);

    /// <summary>Every <c>O=</c> value of the subject (normally one).</summary>
    public IReadOnlyList<string> Organizations => _organizations ??= DistinguishedNames.Values(SubjectName, X509Name.O.Id);

    /// <summary>The subject's <c>O=</c> value when it has exactly one, else null.</summary>
    public string? Organization => Organizations.Count == 1 ? Organizations[0] : null;

    public string? CommonName => (_commonNames ??= DistinguishedNames.Values(SubjectName, X509Name.CN.Id)) is [var cn, ..] ? cn : null;

    /// <summary>Serial number, lower-case hex, even number of digits.</summary>
    public string SerialNumberHex => _serialNumberHex ??= CertificateText.SerialToHex(new Org.BouncyCastle.Math.BigInteger(_fields.SerialNumber.ToArray()));

    /// <summary>X.509 version: 1, 2 or 3.</summary>
    public int Version => _fields.Version;

    public DateTimeOffset NotBefore => _fields.NotBefore;

    public DateTimeOffset NotAfter => _fields.NotAfter;

    public PublicKeyDescription Key => _key ??= CertificateAlgorithms.Describe(SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(_fields.SubjectPublicKeyInfo.ToArray())));

    /// <summary>"SHA256withRSA", "SHA384withECDSA", "Ed25519", "SHA1withRSA", ...</summary>
    public string SignatureAlgorithm => CertificateAlgorithms.DescribeSignature(SignatureAlgorithmIdentifier);

    public bool IsSignatureAlgorithmAccepted =>
        _fields.IsSignatureAlgorithmKnownAccepted || CertificateAlgorithms.IsSignatureAccepted(SignatureAlgorithmIdentifier);

    public bool IsKeyAccepted => CertificateAlgorithms.IsKeyAccepted(Key);

    public bool HasBasicConstraints => _fields.HasBasicConstraints;

    /// <summary><c>basicConstraints CA:TRUE</c>.</summary>
    public bool IsCa => _fields.IsCa;

    /// <summary>The <c>pathLenConstraint</c> of a CA, null when unconstrained.</summary>
    public int? PathLengthConstraint => _fields.PathLengthConstraint;

    public bool HasKeyUsage => _fields.HasKeyUsage;

    public bool AllowsKeyCertSign => _fields.AllowsKeyCertSign;

    /// <summary>The OID of the first critical extension PMS does not process, if any (RFC 5280 §4.2 says refuse it).</summary>
    public string? UnsupportedCriticalExtension => _fields.UnsupportedCriticalExtension;

    /// <summary>Subject and issuer names are equal (RFC 5280 "self-issued").</summary>
    public bool IsSelfIssued => SubjectKey == IssuerKey;

    /// <summary>Hex of the subjectKeyIdentifier, if present.</summary>
    public string? SubjectKeyIdentifierHex => _fields.SubjectKeyIdentifier is { } ski ? Convert.ToHexStringLower(ski) : null;

    /// <summary>Hex of the authorityKeyIdentifier's keyIdentifier, if present.</summary>
    public string? AuthorityKeyIdentifierHex => _fields.AuthorityKeyIdentifier is { } aki ? Convert.ToHexStringLower(aki) : null;

    internal string SubjectKey => _subjectKey ??= DistinguishedNames.CanonicalKey(SubjectName);

    internal string IssuerKey => _issuerKey ??= DistinguishedNames.CanonicalKey(IssuerName);

    /// <summary>The subject Name's DER as encoded in the certificate: equal bytes mean equal <see cref="SubjectKey"/>s.</summary>
    internal ReadOnlyMemory<byte> SubjectDer => _fields.Subject;

    /// <summary>The issuer Name's DER as encoded in the certificate.</summary>
    internal ReadOnlyMemory<byte> IssuerDer => _fields.Issuer;

    internal byte[]? SubjectKeyIdentifierBytes => _fields.SubjectKeyIdentifier;

    internal byte[]? AuthorityKeyIdentifierBytes => _fields.AuthorityKeyIdentifier;

    // Names the platform reader read hold only string types it decodes as BouncyCastle does; others BouncyCastle reads.
    private IReadOnlyList<NameAttribute[]> SubjectName => _subjectName ??= _certificate is { } certificate
        ? DistinguishedNames.Read(certificate.SubjectDN)
        : DistinguishedNames.ReadDer(_fields.Subject);

    private IReadOnlyList<NameAttribute[]> IssuerName => _issuerName ??= _certificate is { } certificate
        ? DistinguishedNames.Read(certificate.IssuerDN)
        : DistinguishedNames.ReadDer(_fields.Issuer);

    private AlgorithmIdentifier SignatureAlgorithmIdentifier => _signatureAlgorithm ??=
        _certificate?.CertificateStructure.SignatureAlgorithm ?? AlgorithmIdentifier.GetInstance(Asn1Object.FromByteArray(_fields.SignatureAlgorithm.ToArray()));

    /// <summary>Wraps a certificate PMS itself generated (its signing CA, a MOSIP-signed copy).</summary>
    /// <exception cref="InvalidDataException">One of its extensions is malformed: PMS generated a broken certificate.</exception>
    public static ParsedCertificate From(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            return FromBouncyCastle(certificate);
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            throw new InvalidDataException($"PMS generated a certificate it cannot read back: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads DER with the platform's reader (<see cref="DerCertificateReader"/>) when it is a certificate that reader
    /// reads; null otherwise, and BouncyCastle decides (<see cref="FromStructure"/>). Keeps <paramref name="der"/>.
    /// </summary>
    internal static ParsedCertificate? TryRead(byte[] der) =>
        DerCertificateReader.TryRead(der) is { } fields ? new ParsedCertificate(fields, null) : null;

    internal static ParsedCertificate FromStructure(X509CertificateStructure structure) =>
        FromBouncyCastle(new X509Certificate(structure));

    // Everything worked out now, as before the lazy reading: whatever BouncyCastle cannot read fails here, as a refusal.
    private static ParsedCertificate FromBouncyCastle(X509Certificate certificate)
    {
        var parsed = new ParsedCertificate(CertificateFields.FromBouncyCastle(certificate), certificate);
        _ = (parsed.Subject, parsed.Issuer, parsed.SubjectKey, parsed.IssuerKey, parsed.Organizations, parsed.CommonName,
            parsed.SerialNumberHex, parsed.Key, parsed.SignatureAlgorithm);
        return parsed;
    }

    /// <summary>Valid at <paramref name="at"/>: notBefore ≤ at ≤ notAfter.</summary>
    public bool IsValidAt(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return ticks >= _notBeforeTicks && ticks <= _notAfterTicks;
    }

    /// <summary>The authorityKeyIdentifier of this certificate does not contradict <paramref name="issuer"/>'s subjectKeyIdentifier.</summary>
    internal bool KeyIdentifierAllows(ParsedCertificate issuer) =>
        _fields.AuthorityKeyIdentifier is not { } aki
        || issuer._fields.SubjectKeyIdentifier is not { } ski
        || aki.AsSpan().SequenceEqual(ski);

    public string ToPem() => CertificateText.ToPem(_fields.Der);

    public override string ToString() => $"{Subject} (serial {SerialNumberHex}, SHA-256 {ThumbprintSha256})";
}
