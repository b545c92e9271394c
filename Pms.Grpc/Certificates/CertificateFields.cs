using System.Collections.Frozen;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Pms.Grpc.Certificates;

/// <summary>
/// What <see cref="ParsedCertificate"/> needs of a certificate at once: its DER and the DER of its parts, validity,
/// version and the extensions the rules look at. Read by <see cref="DerCertificateReader"/> (the platform's
/// <c>AsnReader</c> over the DER as sent: every upload and VerifyCertificateTrust in practice) or, for whatever that
/// reader leaves alone, by <see cref="FromBouncyCastle"/>. Names, key and signature descriptions and the serial are
/// worked out from the parts' DER only when asked for.
/// </summary>
internal sealed class CertificateFields
{
    /// <summary>The extensions PMS processes; a critical one of any other kind makes the certificate unusable (RFC 5280 §4.2).</summary>
    public static readonly FrozenSet<string> UnderstoodExtensions = new[]
    {
        X509Extensions.BasicConstraints.Id,
        X509Extensions.KeyUsage.Id,
        X509Extensions.ExtendedKeyUsage.Id,
        X509Extensions.SubjectKeyIdentifier.Id,
        X509Extensions.AuthorityKeyIdentifier.Id,
        X509Extensions.SubjectAlternativeName.Id,
        X509Extensions.IssuerAlternativeName.Id,
        X509Extensions.CrlDistributionPoints.Id,
        X509Extensions.AuthorityInfoAccess.Id,
    }.ToFrozenSet(StringComparer.Ordinal);

    public required byte[] Der { get; init; }

    /// <summary>The DER of the TBSCertificate: what the signature is over.</summary>
    public required ReadOnlyMemory<byte> Tbs { get; init; }

    /// <summary>The DER of the outer signatureAlgorithm.</summary>
    public required ReadOnlyMemory<byte> SignatureAlgorithm { get; init; }

    /// <summary>The DER of the signature AlgorithmIdentifier inside the TBSCertificate.</summary>
    public required ReadOnlyMemory<byte> InnerSignatureAlgorithm { get; init; }

    /// <summary>The signature BIT STRING's bytes, and its count of unused bits (not 0: no valid signature).</summary>
    public required ReadOnlyMemory<byte> Signature { get; init; }

    public required int SignatureUnusedBits { get; init; }

    /// <summary>The serial number's INTEGER contents (two's complement, big-endian).</summary>
    public required ReadOnlyMemory<byte> SerialNumber { get; init; }

    public required ReadOnlyMemory<byte> Issuer { get; init; }

    public required ReadOnlyMemory<byte> Subject { get; init; }

    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    /// <summary>Known, as it was read, to be one <see cref="CertificateAlgorithms.IsSignatureAccepted"/> accepts; false: ask it.</summary>
    public bool IsSignatureAlgorithmKnownAccepted { get; init; }

    /// <summary>How the platform verifies the signature, when the reader already knows; null: work it out from <see cref="SignatureAlgorithm"/>.</summary>
    public PlatformSignature? PlatformSignature { get; init; }

    public required int Version { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public bool HasBasicConstraints { get; init; }

    public bool IsCa { get; init; }

    public int? PathLengthConstraint { get; init; }

    public bool HasKeyUsage { get; init; }

    public bool AllowsKeyCertSign { get; init; }

    public byte[]? SubjectKeyIdentifier { get; init; }

    public byte[]? AuthorityKeyIdentifier { get; init; }

    public string? UnsupportedCriticalExtension { get; init; }

    /// <summary>
    /// The fields of a certificate BouncyCastle has parsed: one PMS built, an entry of a PKCS#7 bundle, or one the
    /// platform reader left alone (not DER, not version 3, unusual name strings, ...). Its DER is BouncyCastle's
    /// re-encoding, as it always was.
    /// </summary>
    public static CertificateFields FromBouncyCastle(X509Certificate certificate)
    {
        var structure = certificate.CertificateStructure;
        var extensions = structure.TbsCertificate.Extensions;
        var signature = structure.Signature;
        var keyUsage = certificate.GetKeyUsage();
        var basicConstraints = extensions?.GetExtension(X509Extensions.BasicConstraints) is { } bcExtension
            ? BasicConstraints.GetInstance(bcExtension.GetParsedValue())
            : null;
        var isCa = basicConstraints?.IsCA() == true;
        return new CertificateFields
        {
            Der = structure.GetEncoded(Asn1Encodable.Der),
            Tbs = structure.TbsCertificate.GetEncoded(Asn1Encodable.Der),
            SignatureAlgorithm = structure.SignatureAlgorithm.GetEncoded(Asn1Encodable.Der),
            InnerSignatureAlgorithm = structure.TbsCertificate.Signature.GetEncoded(Asn1Encodable.Der),
            Signature = signature.GetBytes(),
            SignatureUnusedBits = signature.PadBits,
            SerialNumber = structure.SerialNumber.Value.ToByteArray(),
            Issuer = structure.Issuer.GetEncoded(Asn1Encodable.Der),
            Subject = structure.Subject.GetEncoded(Asn1Encodable.Der),
            SubjectPublicKeyInfo = structure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der),
            Version = certificate.Version,
            NotBefore = ToUtc(certificate.NotBefore),
            NotAfter = ToUtc(certificate.NotAfter),
            HasBasicConstraints = basicConstraints is not null,
            IsCa = isCa,
            PathLengthConstraint = isCa && basicConstraints!.PathLenConstraint is { } pathLength
                ? (int)Math.Min(pathLength.LongValue, int.MaxValue)
                : null,
            HasKeyUsage = keyUsage is not null,
            // RFC 5280 §4.2.1.3 bit 5.
            AllowsKeyCertSign = keyUsage is { Length: > 5 } && keyUsage[5],
            SubjectKeyIdentifier = extensions?.GetExtension(X509Extensions.SubjectKeyIdentifier) is { } ski
                ? Org.BouncyCastle.Asn1.X509.SubjectKeyIdentifier.GetInstance(ski.GetParsedValue()).GetKeyIdentifier()
                : null,
            AuthorityKeyIdentifier = extensions?.GetExtension(X509Extensions.AuthorityKeyIdentifier) is { } aki
                ? Org.BouncyCastle.Asn1.X509.AuthorityKeyIdentifier.GetInstance(aki.GetParsedValue()).KeyIdentifier?.GetOctets()
                : null,
            UnsupportedCriticalExtension = extensions?.GetCriticalExtensionOids()
                .FirstOrDefault(oid => !UnderstoodExtensions.Contains(oid.Id))?.Id,
        };
    }

    private static DateTimeOffset ToUtc(DateTime value) =>
        new(value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
