using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Pms.Grpc.Certificates;

/// <summary>
/// Reads the certificates PMS meets every day with the platform's <c>AsnReader</c>, straight from the DER the caller
/// sent: no object tree, no re-encoding (the DER is kept as it came, and the TBSCertificate the signature is checked
/// over is a slice of it). It reads only what it can answer exactly as BouncyCastle would: X.509 v3, strict DER
/// throughout (so BouncyCastle's re-encoding would give the same bytes back, and the same thumbprint), names of
/// PrintableString, UTF8String and IA5String values, RSA or named-curve EC keys, SHA-2 with RSA (PKCS#1 v1.5) or
/// ECDSA signatures, and the extensions the rules read in their usual form. Anything else it leaves to BouncyCastle
/// (<see cref="CertificateFields.FromBouncyCastle"/>) by answering null, so what is accepted, refused and said about
/// a certificate does not depend on which reader read it (<c>CertificateReaderEquivalenceTests</c> checks this).
/// </summary>
internal static class DerCertificateReader
{
    private const int MaxNesting = 16;
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string EcPublicKey = "1.2.840.10045.2.1";

    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    // sha256/384/512WithRSAEncryption (NULL or absent parameters) and ecdsa-with-SHA256/384/512 (no parameters).
    private static readonly Dictionary<string, PlatformSignature> Signatures = new()
    {
        ["1.2.840.113549.1.1.11"] = new(true, HashAlgorithmName.SHA256),
        ["1.2.840.113549.1.1.12"] = new(true, HashAlgorithmName.SHA384),
        ["1.2.840.113549.1.1.13"] = new(true, HashAlgorithmName.SHA512),
        ["1.2.840.10045.4.3.2"] = new(false, HashAlgorithmName.SHA256),
        ["1.2.840.10045.4.3.3"] = new(false, HashAlgorithmName.SHA384),
        ["1.2.840.10045.4.3.4"] = new(false, HashAlgorithmName.SHA512),
    };

    /// <summary>The certificate's fields, or null when <paramref name="der"/> is not one this reader reads (BouncyCastle decides then).</summary>
    public static CertificateFields? TryRead(byte[] der)
    {
        try
        {
            Require(IsStrictDer(new AsnReader(der, AsnEncodingRules.DER), 0));
            return Read(der);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static CertificateFields Read(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        Require(!outer.HasData);

        var tbsDer = certificate.PeekEncodedValue();
        var tbs = certificate.ReadSequence();
        var signatureAlgorithm = certificate.ReadEncodedValue();
        var platformSignature = RequireSignatureAlgorithm(signatureAlgorithm);
        Require(certificate.TryReadPrimitiveBitString(out var unusedBits, out var signature));
        Require(!certificate.HasData);

        var version = tbs.ReadSequence(VersionTag);
        Require(version.TryReadInt32(out var versionNumber) && versionNumber == 2 && !version.HasData);
        var serial = tbs.ReadIntegerBytes();
        var innerSignatureAlgorithm = tbs.ReadEncodedValue();
        RequireAlgorithmIdentifier(innerSignatureAlgorithm);
        var issuer = tbs.ReadEncodedValue();
        Require(NameRdnCount(issuer) > 0); // RFC 5280 §4.1.2.4, and BouncyCastle refuses an empty issuer
        var validity = tbs.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        Require(!validity.HasData);
        var subject = tbs.ReadEncodedValue();
        NameRdnCount(subject);
        var subjectPublicKeyInfo = tbs.ReadEncodedValue();
        RequireSubjectPublicKeyInfo(subjectPublicKeyInfo);

        var extensions = new DerCertificateExtensions();
        if (tbs.HasData)
        {
            var wrapper = tbs.ReadSequence(ExtensionsTag);
            extensions.Read(wrapper.ReadSequence());
            Require(!wrapper.HasData);
        }

        Require(!tbs.HasData);
        return new CertificateFields
        {
            Der = der,
            Tbs = tbsDer,
            SignatureAlgorithm = signatureAlgorithm,
            InnerSignatureAlgorithm = innerSignatureAlgorithm,
            Signature = signature,
            SignatureUnusedBits = unusedBits,
            SerialNumber = serial,
            Issuer = issuer,
            Subject = subject,
            SubjectPublicKeyInfo = subjectPublicKeyInfo,
            // Only SHA-2 with RSA PKCS#1 v1.5 or ECDSA get this far (RequireSignatureAlgorithm).
            IsSignatureAlgorithmKnownAccepted = true,
            PlatformSignature = platformSignature,
            Version = 3,
            NotBefore = notBefore,
            NotAfter = notAfter,
            HasBasicConstraints = extensions.HasBasicConstraints,
            IsCa = extensions.IsCa,
            PathLengthConstraint = extensions.PathLengthConstraint,
            HasKeyUsage = extensions.HasKeyUsage,
            AllowsKeyCertSign = extensions.AllowsKeyCertSign,
            SubjectKeyIdentifier = extensions.SubjectKeyIdentifier,
            AuthorityKeyIdentifier = extensions.AuthorityKeyIdentifier,
            UnsupportedCriticalExtension = extensions.UnsupportedCritical,
        };
    }

    /// <summary>
    /// Every element, at every depth, is DER that BouncyCastle's parser takes and would write back unchanged: lengths
    /// minimal and definite, no constructed strings, sets in DER order, booleans 00/FF, minimal integers, bit strings
    /// with zero padding, well-formed object identifiers and times. Other universal types are left to BouncyCastle.
    /// </summary>
    private static bool IsStrictDer(AsnReader reader, int depth)
    {
        if (depth > MaxNesting)
        {
            return false;
        }

        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.IsConstructed)
            {
                var inner = tag.TagClass != TagClass.Universal ? reader.ReadSequence(tag)
                    : tag.TagValue == (int)UniversalTagNumber.Sequence ? reader.ReadSequence()
                    : tag.TagValue == (int)UniversalTagNumber.Set ? reader.ReadSetOf()
                    : null;
                if (inner is null || !IsStrictDer(inner, depth + 1))
                {
                    return false;
                }

                continue;
            }

            if (tag.TagClass != TagClass.Universal)
            {
                reader.ReadEncodedValue();
                continue;
            }

            switch ((UniversalTagNumber)tag.TagValue)
            {
                case UniversalTagNumber.Boolean:
                    reader.ReadBoolean();
                    break;
                case UniversalTagNumber.Integer:
                    reader.ReadIntegerBytes();
                    break;
                case UniversalTagNumber.BitString:
                    reader.TryReadPrimitiveBitString(out _, out _);
                    break;
                case UniversalTagNumber.OctetString:
                    reader.TryReadPrimitiveOctetString(out _);
                    break;
                case UniversalTagNumber.Null:
                    reader.ReadNull();
                    break;
                case UniversalTagNumber.ObjectIdentifier:
                    // Far longer than any real OID; BouncyCastle bounds their length, so such ones are its to judge.
                    Require(reader.PeekContentBytes().Length <= 64);
                    reader.ReadObjectIdentifier();
                    break;
                case UniversalTagNumber.UtcTime:
                    reader.ReadUtcTime();
                    break;
                case UniversalTagNumber.GeneralizedTime:
                    // BouncyCastle reads at most seven fraction digits and writes fractions back its own way: none here.
                    Require(reader.PeekContentBytes().Length == 15);
                    reader.ReadGeneralizedTime();
                    break;
                case UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String or UniversalTagNumber.IA5String:
                    // BouncyCastle refuses UTF-8 that does not decode; the platform checks that and each type's alphabet.
                    reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static DateTimeOffset ReadTime(AsnReader reader)
    {
        var tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(Asn1Tag.UtcTime))
        {
            // Two-digit years 50-99 are 19xx, 00-49 20xx (RFC 5280 §4.1.2.5.1), as BouncyCastle reads them.
            return reader.ReadUtcTime(twoDigitYearMax: 2049);
        }

        Require(tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime));
        return reader.ReadGeneralizedTime();
    }

    private static bool IsNameString(Asn1Tag tag) =>
        tag.TagClass == TagClass.Universal && !tag.IsConstructed && (UniversalTagNumber)tag.TagValue
            is UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String or UniversalTagNumber.IA5String;

    // Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value }, each SET non-empty; returns the RDN count.
    private static int NameRdnCount(ReadOnlyMemory<byte> name)
    {
        var reader = new AsnReader(name, AsnEncodingRules.DER);
        var rdns = reader.ReadSequence();
        var count = 0;
        while (rdns.HasData)
        {
            var rdn = rdns.ReadSetOf();
            Require(rdn.HasData);
            while (rdn.HasData)
            {
                var attribute = rdn.ReadSequence();
                attribute.ReadObjectIdentifier();
                // DistinguishedNames.ReadDer decodes these as BouncyCastle does; other value types are BouncyCastle's.
                var value = attribute.ReadEncodedValue();
                Require(!attribute.HasData && IsNameString(new AsnReader(value, AsnEncodingRules.DER).PeekTag()));
            }

            count++;
        }

        return count;
    }

    private static (string Oid, ReadOnlyMemory<byte>? Parameters) RequireAlgorithmIdentifier(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.DER);
        var algorithm = reader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        // Not `? … : null`: null would become an empty ReadOnlyMemory through its conversion from arrays.
        ReadOnlyMemory<byte>? parameters = null;
        if (algorithm.HasData)
        {
            parameters = algorithm.ReadEncodedValue();
        }

        Require(!algorithm.HasData);
        return (oid, parameters);
    }

    private static PlatformSignature RequireSignatureAlgorithm(ReadOnlyMemory<byte> encoded)
    {
        var (oid, parameters) = RequireAlgorithmIdentifier(encoded);
        Require(Signatures.TryGetValue(oid, out var signature)
            && (signature.IsRsa ? parameters is null || IsNull(parameters.Value) : parameters is null));
        return signature;
    }

    // An RSA key (NULL parameters, RSAPublicKey SEQUENCE of two INTEGERs) or an EC key on a named curve.
    private static void RequireSubjectPublicKeyInfo(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.DER);
        var info = reader.ReadSequence();
        var (oid, parameters) = RequireAlgorithmIdentifier(info.ReadEncodedValue());
        Require(info.TryReadPrimitiveBitString(out var unusedBits, out var key) && unusedBits == 0 && !info.HasData);
        if (oid == RsaEncryption)
        {
            Require(parameters is { } nullParameters && IsNull(nullParameters));
            var keyReader = new AsnReader(key, AsnEncodingRules.DER);
            var rsaKey = keyReader.ReadSequence();
            rsaKey.ReadIntegerBytes();
            rsaKey.ReadIntegerBytes();
            Require(!rsaKey.HasData && !keyReader.HasData);
            return;
        }

        Require(oid == EcPublicKey && parameters is { } curve && new AsnReader(curve, AsnEncodingRules.DER).PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier));
    }

    private static bool IsNull(ReadOnlyMemory<byte> encoded) => encoded.Span.SequenceEqual((ReadOnlySpan<byte>)[0x05, 0x00]);

    internal static void Require(bool condition)
    {
        if (!condition)
        {
            throw new AsnContentException("Outside what the platform reader reads; BouncyCastle reads it.");
        }
    }
}
