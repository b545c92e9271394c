namespace Pms.Grpc.Certificates;

/// <summary>Settings of the CA certificate rules.</summary>
public sealed class CaCertificateRulesOptions
{
    /// <summary>A CA certificate must stay valid at least this long after upload (MOSIP: 12 months, KER-PCM-017).</summary>
    public TimeSpan MinimumRemainingValidity { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>What the CA rules decided about an uploaded CA certificate.</summary>
/// <param name="Kind">ROOT when it is self-signed, else INTERMEDIATE.</param>
/// <param name="Path">For an INTERMEDIATE, its validated path to a stored ROOT; null for a ROOT.</param>
public sealed record CaCertificateDecision(ParsedCertificate Certificate, CaCertificateKind Kind, TrustPathResult? Path)
{
    /// <summary>The stored id of the direct issuer (<c>issuer_certificate_id</c>); null for a ROOT.</summary>
    public Guid? IssuerId => Path?.IssuerId;
}

/// <summary>
/// The rules for certificates the partner admin puts in a domain's trust store (MOSIP keymanager's CA upload
/// rules, plus the RFC 5280 basics MOSIP leaves to the JDK).
/// </summary>
public sealed class CaCertificateRules(TimeProvider timeProvider, CaCertificateRulesOptions? options = null)
{
    private readonly CaCertificateRulesOptions _options = options ?? new CaCertificateRulesOptions();

    /// <summary>
    /// Everything an upload needs, in order: not already in <paramref name="trustStore"/> (KER-PCM-003); the rules of
    /// <see cref="CheckCertificate"/>; for an INTERMEDIATE, a validated path to a ROOT already in the store (KER-PCM-005;
    /// ROOT_CA_NOT_FOUND, the path's own failure as its cause).
    /// </summary>
    public Checked<CaCertificateDecision> Check(ParsedCertificate certificate, DomainTrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustStore);
        if (trustStore.FindByThumbprint(certificate.ThumbprintSha256) is { } existing)
        {
            return new CertificateRuleViolation(CertificateReasons.AlreadyExists, MosipErrorCodes.CertificateExists,
                $"CA certificate '{certificate.Subject}' (SHA-256 {certificate.ThumbprintSha256}) is already in the {trustStore.Domain} trust store as {existing.Id}.",
                CertificateViolationKind.AlreadyExists);
        }

        var kind = CheckCertificate(certificate);
        if (!kind.IsAccepted)
        {
            return kind.Violation;
        }

        if (kind.Value == CaCertificateKind.Root)
        {
            return new CaCertificateDecision(certificate, kind.Value, null);
        }

        var path = trustStore.BuildPath(certificate, timeProvider.GetUtcNow());
        if (path.Failure is { } failure)
        {
            return failure with
            {
                Reason = CertificateReasons.RootCaNotFound,
                Cause = failure.Reason,
                MosipErrorCode = MosipErrorCodes.RootCaNotFound,
            };
        }

        return new CaCertificateDecision(certificate, kind.Value, path);
    }

    /// <summary>
    /// The rules one CA certificate must meet on its own, and what it is: v3; inside its validity window; enough
    /// validity left; <c>basicConstraints CA:TRUE</c>; keyCertSign where key usage is present; accepted key and
    /// signature algorithms; no unknown critical extension; a self-issued certificate must verify with its own key.
    /// ROOT when it is self-signed, else INTERMEDIATE.
    /// </summary>
    public Checked<CaCertificateKind> CheckCertificate(ParsedCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = timeProvider.GetUtcNow();
        var name = $"CA certificate '{certificate.Subject}'";

        if (StructuralRules.Version3(certificate, name) is { } version)
        {
            return version;
        }

        if (now < certificate.NotBefore)
        {
            return new CertificateRuleViolation(CertificateReasons.NotYetValid, MosipErrorCodes.FutureDatedNotAllowed,
                $"{name} is future-dated: it is not valid before {certificate.NotBefore:u}.");
        }

        if (now > certificate.NotAfter)
        {
            return new CertificateRuleViolation(CertificateReasons.Expired, MosipErrorCodes.CertificateDatesNotValid,
                $"{name} expired on {certificate.NotAfter:u}.");
        }

        if (certificate.NotAfter - now < _options.MinimumRemainingValidity)
        {
            return new CertificateRuleViolation(CertificateReasons.ValidityTooShort, MosipErrorCodes.CaValidityTooShort,
                $"{name} expires on {certificate.NotAfter:u}; a CA certificate must stay valid at least {_options.MinimumRemainingValidity.TotalDays:0} more days.");
        }

        if (!certificate.IsCa)
        {
            return new CertificateRuleViolation(CertificateReasons.NotACaCertificate, string.Empty,
                certificate.HasBasicConstraints
                    ? $"{name} has basicConstraints CA:FALSE; only CA certificates go in the trust store."
                    : $"{name} has no basicConstraints extension; a CA certificate needs basicConstraints CA:TRUE.");
        }

        if (certificate.HasKeyUsage && !certificate.AllowsKeyCertSign)
        {
            return new CertificateRuleViolation(CertificateReasons.KeyCertSignMissing, string.Empty,
                $"{name} has a key usage extension without keyCertSign, so it may not sign certificates.");
        }

        if (!certificate.IsKeyAccepted)
        {
            return new CertificateRuleViolation(CertificateReasons.WeakKey, string.Empty,
                $"{name} has a {certificate.Key} key; RSA ≥ 2048 bits, EC P-256/P-384/P-521 or Ed25519 is required.");
        }

        if (!certificate.IsSignatureAlgorithmAccepted)
        {
            return new CertificateRuleViolation(CertificateReasons.WeakSignatureAlgorithm, string.Empty,
                $"{name} is signed with {certificate.SignatureAlgorithm}; only SHA-256/384/512 with RSA (PKCS#1 v1.5 or PSS) or ECDSA, or Ed25519, are accepted.");
        }

        if (certificate.UnsupportedCriticalExtension is { } oid)
        {
            return new CertificateRuleViolation(CertificateReasons.UnsupportedCriticalExtension, string.Empty,
                $"{name} has a critical extension {oid} that PMS does not process.");
        }

        // Subject == issuer claims to be a root; a root whose signature does not verify with its own key is forged or corrupt.
        if (certificate.IsSelfIssued && !certificate.IsSelfSigned)
        {
            return new CertificateRuleViolation(CertificateReasons.InvalidSignature, MosipErrorCodes.InvalidCertificate,
                $"{name} names itself as issuer but its signature does not verify with its own public key.");
        }

        return certificate.IsSelfSigned ? CaCertificateKind.Root : CaCertificateKind.Intermediate;
    }
}
