using System.Security.Cryptography;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Pms.Grpc.Certificates;

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
