using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;
using PrivateKeyInfo = Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo;

namespace Pms.Grpc.Certificates;

/// <summary>
/// Turns uploaded bytes into certificates: one PEM or DER certificate, a bundle of PEM CERTIFICATE
/// blocks, or PKCS#7 (PEM or DER). Anything else — empty, too large, a private key, garbage — is
/// refused with <see cref="CertificateReasons.Unparsable"/> / KER-PCM-001.
/// </summary>
public static class CertificateParser
{
    /// <summary>Inputs larger than this are refused before any parsing.</summary>
    public const int MaxCertificateDataBytes = 1024 * 1024;

    private static readonly byte[] PemBegin = "-----BEGIN"u8.ToArray();
    private const string PemBeginLine = "-----BEGIN ";
    private const string PemEndLine = "-----END ";
    private const string PemDashes = "-----";

    /// <summary>Every certificate in uploaded <paramref name="data"/>, in the order they appear, or why there are none.</summary>
    public static Checked<IReadOnlyList<ParsedCertificate>> Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxCertificateDataBytes)
        {
            return Unparsable($"Certificate data is {data.Length} bytes; at most {MaxCertificateDataBytes} bytes (1 MiB) are accepted.");
        }

        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Unparsable("Certificate data is empty.");
        }

        var found = new List<ParsedCertificate>();
        var violation = data.IndexOf(PemBegin) >= 0 ? ReadPem(data, found) : ReadDer(data, "The data", found);
        if (violation is null && found.Count == 0)
        {
            violation = Unparsable("The data holds no certificate.");
        }

        return violation is null ? Checked<IReadOnlyList<ParsedCertificate>>.Accept(found) : violation;
    }

    /// <summary>
    /// Data PMS stored or was configured with, which must hold exactly one certificate. Not for uploads: a failure
    /// here means PMS's own data is damaged, which the operator must look at.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not exactly one certificate.</exception>
    public static ParsedCertificate ParseSingle(ReadOnlySpan<byte> data)
    {
        var parsed = Parse(data);
        if (!parsed.IsAccepted)
        {
            throw new InvalidDataException($"Stored certificate data is damaged: {parsed.Violation.Message}");
        }

        return parsed.Value.Count == 1
            ? parsed.Value[0]
            : throw new InvalidDataException($"Stored certificate data holds {parsed.Value.Count} certificates where exactly one was expected.");
    }

    private static CertificateRuleViolation? ReadPem(ReadOnlySpan<byte> data, List<ParsedCertificate> found)
    {
        // Latin-1 maps every byte to one char, so nothing fails to decode and offsets stay meaningful.
        var text = Encoding.Latin1.GetString(data).AsSpan();
        var blockNumber = 0;
        while (true)
        {
            var begin = text.IndexOf(PemBeginLine);
            if (begin < 0)
            {
                return null;
            }

            blockNumber++;
            text = text[begin..];
            // Each block is framed here, in one pass, before PemEncoding sees it: PemEncoding.TryFind retries from every
            // BEGIN line it meets and searches the rest of the data for its END line each time, which took 23–67 s of CPU
            // for a megabyte of BEGIN lines (measured). Handed exactly one BEGIN and one END line, it stays linear.
            var label = LabelOf(text);
            if (label.Contains("PRIVATE KEY", StringComparison.OrdinalIgnoreCase))
            {
                return Unparsable($"PEM block {blockNumber} is a private key ({label}); upload only certificates and keep private keys secret.");
            }

            var endLine = text.IndexOf(PemEndLine);
            var endLineEnd = endLine < 0 ? -1 : text[(endLine + PemEndLine.Length)..].IndexOf(PemDashes);
            if (endLineEnd < 0 || text[PemBeginLine.Length..endLine].Contains(PemBeginLine, StringComparison.Ordinal))
            {
                return Unparsable($"PEM block {blockNumber} ({label}) has no END line.");
            }

            var block = text[..(endLine + PemEndLine.Length + endLineEnd + PemDashes.Length)];
            if (!PemEncoding.TryFind(block, out var fields))
            {
                return Unparsable($"PEM block {blockNumber} ({label}) is not well-formed PEM (RFC 7468): base64 between a BEGIN and an END line of the same label, without headers.");
            }

            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(block[fields.Base64Data], der, out var written) || written != der.Length)
            {
                return Unparsable($"PEM block {blockNumber} ({label}) is not valid base64.");
            }

            var what = $"PEM block {blockNumber} ({label})";
            var violation = block[fields.Label] switch
            {
                "CERTIFICATE" or "X509 CERTIFICATE" => ReadCertificateDer(der, what, found),
                "PKCS7" or "PKCS #7 SIGNED DATA" or "CMS" => ReadPkcs7Der(der, what, found),
                _ => Unparsable($"{what} is not a certificate; expected CERTIFICATE or PKCS7 blocks."),
            };
            if (violation is not null)
            {
                return violation;
            }

            text = text[block.Length..];
        }
    }

    // The label as the BEGIN line names it, for messages; PemEncoding decides whether it is a valid one.
    private static string LabelOf(ReadOnlySpan<char> block)
    {
        var rest = block[PemBeginLine.Length..];
        var end = rest.IndexOfAny('\n', '-');
        var label = (end < 0 ? rest : rest[..end]).TrimEnd('\r');
        return label.Length > 64 ? label[..64].ToString() + "…" : label.ToString();
    }

    private static CertificateRuleViolation? ReadDer(ReadOnlySpan<byte> data, string what, List<ParsedCertificate> found)
    {
        var der = data.ToArray();
        if (ParsedCertificate.TryRead(der) is { } certificate)
        {
            found.Add(certificate);
            return null;
        }

        if (!TryReadAsn1(der, out var sequence))
        {
            return Unparsable($"{what} is neither PEM nor a DER certificate or PKCS#7 structure.");
        }

        if (sequence.Count > 0 && sequence[0] is DerObjectIdentifier)
        {
            return ReadPkcs7(sequence, what, found);
        }

        if (LooksLikePrivateKey(sequence))
        {
            return Unparsable($"{what} is a private key; upload only certificates and keep private keys secret.");
        }

        return ReadCertificate(sequence, what, found);
    }

    // The platform's reader first: it reads the DER as sent, without building BouncyCastle's objects (see DerCertificateReader).
    private static CertificateRuleViolation? ReadCertificateDer(byte[] der, string what, List<ParsedCertificate> found)
    {
        if (ParsedCertificate.TryRead(der) is { } certificate)
        {
            found.Add(certificate);
            return null;
        }

        return TryReadAsn1(der, out var sequence)
            ? ReadCertificate(sequence, what, found)
            : Unparsable($"{what} is not DER-encoded ASN.1.");
    }

    private static CertificateRuleViolation? ReadPkcs7Der(byte[] der, string what, List<ParsedCertificate> found) =>
        TryReadAsn1(der, out var sequence)
            ? ReadPkcs7(sequence, what, found)
            : Unparsable($"{what} is not DER-encoded ASN.1.");

    private static CertificateRuleViolation? ReadCertificate(Asn1Sequence sequence, string what, List<ParsedCertificate> found)
    {
        try
        {
            found.Add(ParsedCertificate.FromStructure(X509CertificateStructure.GetInstance(sequence)));
            return null;
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            return Unparsable($"{what} is not an X.509 certificate: {ex.Message}");
        }
    }

    private static CertificateRuleViolation? ReadPkcs7(Asn1Sequence sequence, string what, List<ParsedCertificate> found)
    {
        Asn1Set? certificates;
        try
        {
            var contentInfo = ContentInfo.GetInstance(sequence);
            if (!contentInfo.ContentType.Equals(CmsObjectIdentifiers.SignedData))
            {
                return Unparsable($"{what} is PKCS#7 of type {contentInfo.ContentType.Id}; only signedData certificate bundles are accepted.");
            }

            certificates = SignedData.GetInstance(contentInfo.Content).Certificates;
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            return Unparsable($"{what} is not a PKCS#7 certificate bundle: {ex.Message}");
        }

        if (certificates is null || certificates.Count == 0)
        {
            return Unparsable($"{what} is a PKCS#7 bundle without certificates.");
        }

        var index = 0;
        foreach (var element in certificates)
        {
            index++;
            if (element is not Asn1Sequence certificate)
            {
                return Unparsable($"Entry {index} of {what} is not an X.509 certificate.");
            }

            if (ReadCertificate(certificate, $"Entry {index} of {what}", found) is { } violation)
            {
                return violation;
            }
        }

        return null;
    }

    private static bool TryReadAsn1(byte[] der, [NotNullWhen(true)] out Asn1Sequence? sequence)
    {
        try
        {
            // FromByteArray refuses trailing bytes after the outer object.
            sequence = Asn1Object.FromByteArray(der) as Asn1Sequence;
            return sequence is not null;
        }
        catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
        {
            sequence = null;
            return false;
        }
    }

    // PKCS#8 PrivateKeyInfo (version, AlgorithmIdentifier, OCTET STRING) or PKCS#1 RSAPrivateKey / SEC1 ECPrivateKey
    // (starting with an INTEGER version): say "private key" rather than "garbage".
    private static bool LooksLikePrivateKey(Asn1Sequence sequence)
    {
        if (sequence.Count < 2 || sequence[0] is not DerInteger)
        {
            return false;
        }

        if (sequence.Count >= 3 && sequence[1] is Asn1Sequence && sequence[2] is Asn1OctetString)
        {
            try
            {
                return PrivateKeyInfo.GetInstance(sequence) is not null;
            }
            catch (Exception ex) when (CryptoErrors.IsRecoverable(ex))
            {
                return false;
            }
        }

        return sequence.Count >= 9 || sequence[1] is Asn1OctetString;
    }

    private static CertificateRuleViolation Unparsable(string message) =>
        new(CertificateReasons.Unparsable, MosipErrorCodes.InvalidCertificate, message);
}
