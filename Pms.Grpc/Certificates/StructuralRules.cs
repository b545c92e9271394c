namespace Pms.Grpc.Certificates;

/// <summary>
/// Rules about a certificate's structure that every upload applies, whatever the certificate is for (CA, partner,
/// FTM chip), stated once. Each returns the violation as a value, or null.
/// </summary>
public static class StructuralRules
{
    /// <summary>Only X.509 version 3 certificates are accepted (KER-PCM-007): earlier versions carry no extensions.</summary>
    /// <param name="name">How the message names the certificate, e.g. "CA certificate 'CN=…'".</param>
    public static CertificateRuleViolation? Version3(ParsedCertificate certificate, string name) =>
        certificate.Version == 3
            ? null
            : new(CertificateReasons.NotV3, MosipErrorCodes.InvalidCertificateVersion,
                $"{name} is X.509 version {certificate.Version}; only version 3 is accepted.");
}
